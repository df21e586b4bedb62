from app.posts.routes import bp

__all__ = ["bp"]
