from app.theme.routes import bp

__all__ = ["bp"]
