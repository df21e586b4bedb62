from app.alerts.routes import bp

__all__ = ["bp"]
