from app.moderation import admin  # noqa: F401 (its routes)
from app.moderation.routes import bp

__all__ = ["bp"]
