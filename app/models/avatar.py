"""Avatar URLs: the app's own identicons, or Gravatar's when AVATAR_PROVIDER says so."""

import hashlib
from functools import lru_cache

from flask import current_app, has_request_context, url_for


def avatar_url(username: str, email: str | None, size: int) -> str:
    # Remote accounts have no email: their identicon, whatever the provider.
    if current_app.config["AVATAR_PROVIDER"] == "gravatar" and email:
        digest = hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?d=identicon&s={size}"
    seed = identicon_seed(username)
    if has_request_context() or current_app.config["SERVER_NAME"]:
        return url_for("main.identicon", seed=seed)
    # In a shell or a script without SERVER_NAME, url_for cannot build a URL: the path will do.
    return current_app.url_map.bind("localhost").build("main.identicon", {"seed": seed})


@lru_cache(maxsize=16384)
def identicon_seed(username: str) -> str:
    return hashlib.sha256(username.encode()).hexdigest()[:16]
