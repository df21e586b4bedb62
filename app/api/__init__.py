"""The REST API: JSON in and out, authenticated by bearer tokens, described by OpenAPI."""

# Each module adds its routes to the blueprint when imported.
from app.api import alerts, auth, errors, moderation, openapi, posts, reactions, tags, tokens, users  # noqa: F401
from app.api.blueprint import bp

__all__ = ["bp"]
