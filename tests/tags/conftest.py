"""The query counter of tests/main, for this page too."""

from tests.main.conftest import count_queries

__all__ = ["count_queries"]
