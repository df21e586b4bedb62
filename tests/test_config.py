import importlib.util

import pytest

from config import basedir, database_url, env_bool


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, f"sqlite:///{basedir / 'app.db'}"),
        ("", f"sqlite:///{basedir / 'app.db'}"),
        ("postgres://u:p@db:5432/blog", "postgresql+psycopg://u:p@db:5432/blog"),
        ("postgresql://u:p@db/blog", "postgresql+psycopg://u:p@db/blog"),
        ("postgresql+psycopg://u@db/blog", "postgresql+psycopg://u@db/blog"),
        ("postgresql+psycopg2://u@db/blog", "postgresql+psycopg2://u@db/blog"),
        ("mysql://root@db/blog?charset=utf8mb4", "mysql+pymysql://root@db/blog?charset=utf8mb4"),
        ("mysql+pymysql://root@db/blog", "mysql+pymysql://root@db/blog"),
        ("sqlite:////srv/app.db", "sqlite:////srv/app.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_url(url, expected):
    assert database_url(url) == expected


def test_default_database_sits_next_to_config():
    assert database_url(None).removeprefix("sqlite:///").endswith("/app.db")
    assert str(basedir) in database_url(None)


@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [
        (None, False, False),
        (None, True, True),
        ("1", False, True),
        ("true", False, True),
        ("True", False, True),
        (" YES ", False, True),
        ("on", False, True),
        ("0", True, False),
        ("false", True, False),
        ("no", True, False),
        ("", True, False),
        ("maybe", True, False),
    ],
)
def test_env_bool(monkeypatch, value, default, expected):
    if value is None:
        monkeypatch.delenv("MICROBLOG_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("MICROBLOG_TEST_FLAG", value)
    assert env_bool("MICROBLOG_TEST_FLAG", default) is expected


def fresh_config():
    """config.py read again, as a new process would read it with the environment as it is."""
    spec = importlib.util.spec_from_file_location("microblog_test_config", basedir / "config.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Config


@pytest.mark.parametrize(("value", "expected"), [("", []), ("5, 30", [5, 30])])
def test_mail_retry_intervals(monkeypatch, value, expected):
    monkeypatch.setenv("MAIL_RETRY_INTERVALS", value)
    intervals = fresh_config().MAIL_RETRY_INTERVALS
    assert intervals == expected
