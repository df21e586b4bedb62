from app.activitypub.routes import bp

__all__ = ["bp"]
