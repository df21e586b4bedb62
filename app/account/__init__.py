from app.account.routes import bp

__all__ = ["bp"]
