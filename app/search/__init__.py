from app.search.routes import bp

__all__ = ["bp"]
