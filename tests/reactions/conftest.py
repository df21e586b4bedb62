from tests.main.conftest import count_queries  # noqa: F401  (the query counter)
