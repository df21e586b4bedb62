"""Markup rendered once and kept: the parts of pages that many requests show alike.

Speeds up every page's head, navbar and scripts, which Jinja otherwise renders anew on each
request (how much: benchmarks/README.md). Each part is kept per app (so per worker) in a
named store, under a key of everything it shows; a part whose key leaves something out
would show one reader's page to another, which is what breaks it (tests/test_fragments.py).
A part may have holes for what is each reader's own (the navbar's CSRF token, the page's
address): it is kept with markers there, and each request prints its values into them.
"""

import re
from collections.abc import Callable
from types import SimpleNamespace

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup, escape

# Past its limit a store is emptied, and the parts in use are rendered again.
FRAGMENT_STORE_SIZE = 256

# A hole in kept markup: NUL never reaches a page (app/security.py refuses it in requests).
HOLE = re.compile("\x00([a-z_]+)\x00")


def markup_store(name: str) -> dict:
    """This app's store of kept markup called `name`."""
    return current_app.extensions.setdefault(f"microblog.{name}", {})


def rendered_once(kept: dict, key: tuple, render: Callable[[], str], limit: int) -> Markup:
    """The markup kept under `key`, rendered by `render()` the first time."""
    markup = kept.get(key)
    if markup is None:
        if len(kept) >= limit:
            kept.clear()
        markup = kept[key] = Markup(render())
    return markup


def same_for_everyone(*key, caller: Callable[..., str], **reader: object) -> Markup:
    """app/templating.py's same_for_everyone, kept per key, language and script root; the
    reader's own values are printed into the kept markup's holes, escaped as Jinja would."""
    full_key = (*key, str(get_locale()), request.script_root)
    store = markup_store("fragments")
    if not reader:
        return rendered_once(store, full_key, caller, FRAGMENT_STORE_SIZE)
    holes = SimpleNamespace(**{name: hole(name) for name in reader})
    kept = rendered_once(store, (*full_key, *reader), lambda: caller(holes), FRAGMENT_STORE_SIZE)
    return fill_holes(kept, reader)


def hole(name: str) -> Markup:
    """The marker kept markup holds where a reader's value `name` goes (fill_holes)."""
    return Markup(f"\x00{name}\x00")


def fill_holes(kept: str, values: dict) -> Markup:
    """`kept` with each hole filled with its value, escaped as Jinja would escape it. One
    pass: a value's own text is never searched for holes."""
    return Markup(HOLE.sub(lambda found: escape(values[found.group(1)]), kept))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["same_for_everyone"] = same_for_everyone
