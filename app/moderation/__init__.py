from app.moderation import admin, domains  # noqa: F401 (their routes)
from app.moderation.routes import bp

__all__ = ["bp"]
