"""Which posts get a Translate link, and into which language: used by the pages' post lists."""

from flask import current_app
from flask_babel import get_locale
from flask_login import current_user

from app.i18n import html_lang
from app.translate.clients import split_tag


def reader_language_for_translation() -> str | None:
    """The reader's language (a BCP 47 tag) when posts can be translated for them: a
    translator is set up and they are signed in."""
    if not current_app.config.get("TRANSLATOR") or current_user.is_anonymous:
        return None
    return html_lang() if get_locale() is not None else None


def translation_target(post, reader_language: str | None) -> str | None:
    """`reader_language` when `post` is written in another language, else None."""
    if reader_language is None or not post.language:
        return None
    if split_tag(post.language)[0] == split_tag(reader_language)[0]:
        return None
    return reader_language
