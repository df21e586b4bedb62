from tests.main.conftest import count_queries

__all__ = ["count_queries"]
