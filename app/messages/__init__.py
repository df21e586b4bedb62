from app.messages.routes import bp

__all__ = ["bp"]
