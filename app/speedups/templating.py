"""The app's Jinja environment."""

from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    """Flask's environment, with each template's globals in one plain dict.

    Jinja layers a template's own globals over the environment's in a ChainMap, so that
    globals added later still show through; the price is that every render, include and
    import walks that ChainMap key by key in Python: 5% of the home page's instructions
    and 8% of explore's (benchmarks/instructions.py). Here each template copies the
    globals when it loads, so every global must be set before the first page renders:
    the extensions and create_app set theirs in init_app, and nothing adds one later.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}
