from app.language.routes import bp

__all__ = ["bp"]
