from app.feeds.routes import bp

__all__ = ["bp"]
