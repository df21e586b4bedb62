from app.passkeys.routes import bp

__all__ = ["bp"]
