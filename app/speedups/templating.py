"""A Jinja environment whose templates keep their globals in one plain dict.

Speeds up every render, include and import, which in Flask's environment walk a ChainMap
of the template's globals over the environment's (how much: benchmarks/README.md). Breaks
if a global is added after the first page renders: templates loaded before it never see
it. The extensions and create_app set theirs before; nothing may add one later.
"""

from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    """Flask's environment, with each template's globals copied when it loads."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}
