from tests.main.conftest import count_queries  # noqa: F401  (the fixture, for query counts)
from tests.test_speedups import site  # noqa: F401  (the fixture: the app fast and plain)
