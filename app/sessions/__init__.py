from app.sessions.routes import bp

__all__ = ["bp"]
