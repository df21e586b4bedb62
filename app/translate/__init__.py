"""Translation of posts through an external service (Microsoft Translator or DeepL)."""

from app.translate.routes import bp

__all__ = ["bp"]
