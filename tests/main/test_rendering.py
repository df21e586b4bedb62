"""The page helpers that cache or precompute must print exactly what Babel would."""

from datetime import timedelta

import pytest
from flask import url_for
from flask_babel import format_datetime, format_timedelta

from app.main.rendering import _timedelta_bucket, exact_time, relative_time, url_builder
from app.models import utcnow

# Babel switches unit at 0.85 of it and rounds: probe a little either side of each switch
# (not on it, where the microseconds between two calls would decide).
EDGES = [0.85 * unit for unit in (60, 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400)]
SECONDS = [0, 0.4, 1, 29, 31, 59, 89, 91, 155, 5398, 5402, 215_998, 216_002, 100_000_000] + [
    edge + offset for edge in EDGES for offset in (-2, 2)
]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_relative_time_matches_babel_on_every_bucket_edge(app, language):
    with app.test_request_context(headers={"Accept-Language": language}):
        for seconds in SECONDS:
            for sign in (-1, 1):
                now = utcnow()
                moment = now + timedelta(seconds=sign * seconds)
                expected = format_timedelta(moment - utcnow(), add_direction=True)
                assert relative_time(moment) == expected, (sign * seconds, language)


def test_the_bucket_separates_what_babel_prints_differently():
    # 5.6 days is "6 days" but 6 days is "1 week": they must not share a cached answer.
    assert _timedelta_bucket(-5.6 * 86400) != _timedelta_bucket(-6 * 86400)
    assert _timedelta_bucket(-6 * 86400) == ("week", 1, False)
    assert _timedelta_bucket(30) != _timedelta_bucket(-30)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_exact_time_is_cached_per_language(app, language):
    moment = utcnow() - timedelta(days=3)
    with app.test_request_context(headers={"Accept-Language": language}):
        expected = format_datetime(moment, "medium", rebase=False) + " UTC"
        assert exact_time(moment) == expected
        assert exact_time(moment) == expected


@pytest.mark.parametrize("name", ["susan", "zoë", "李雷", "a b", "a/b", "50%", "q?x#y", "a&b"])
def test_url_builder_matches_url_for(app, name):
    with app.test_request_context("/", base_url="http://example.com/prefix"):
        assert url_builder("main.user", "username")(name) == url_for("main.user", username=name)
        assert url_builder("main.user_popup", "username")(name) == url_for(
            "main.user_popup", username=name
        )
