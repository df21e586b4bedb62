from app.twofactor.routes import bp

__all__ = ["bp"]
