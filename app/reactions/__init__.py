from app.reactions.routes import bp

__all__ = ["bp"]
