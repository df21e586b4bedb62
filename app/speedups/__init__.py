"""Every speed-up of the app, in one place, behind one setting: SPEEDUPS (on by default).

Off, the app is the plain one a reader of the tutorial knows, with the same pages: each
module here opens with what it speeds up, what would break it, and the test that holds
it equal to the plain definition it replaces. The measurements are in benchmarks/README.md.
"""

from flask import Flask

from app.speedups import (
    articles,
    bars,
    forms,
    fragments,
    gettext,
    pages,
    templating,
    transactions,
)


def jinja_environment(app: Flask) -> type:
    """The class of the app's Jinja environment: chosen when Flask first builds it, which
    the extensions do before init_app runs."""
    return templating.Environment if app.config["SPEEDUPS"] else Flask.jinja_environment


def init_app(app: Flask) -> None:
    """Install the speed-ups over the plain pieces: last, after the extensions and
    blueprints have set those up."""
    if not app.config["SPEEDUPS"]:
        return
    transactions.init_app(app)
    gettext.init_app(app)
    fragments.init_app(app)
    forms.init_app(app)
    articles.init_app(app)
    bars.init_app(app)
    app.extensions["microblog.post_pages"] = pages.FastPostPages()
