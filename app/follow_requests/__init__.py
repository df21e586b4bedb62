from app.follow_requests.routes import bp

__all__ = ["bp"]
