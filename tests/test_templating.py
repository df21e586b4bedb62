"""The speed-ups' Jinja environment: each template copies the globals when it loads."""

import pytest

from app.speedups.templating import Environment

pytestmark = pytest.mark.speedups


def test_templates_see_every_global_the_app_sets(app, client, make_user, auth):
    # Globals set after a template loads would not reach it: the app must set them all
    # while it is built, and no request may add one.
    make_user()
    assert client.get("/auth/login").status_code == 200
    auth.login()
    for path in ("/index", "/explore", "/user/susan", "/messages", "/edit_profile"):
        assert client.get(path).status_code == 200, path
    environment = app.jinja_env
    assert isinstance(environment, Environment)
    for name in ("base.html", "main/index.html", "_macros.html"):
        template = environment.get_template(name)
        assert type(template.globals) is dict
        assert environment.globals.keys() <= template.globals.keys(), name


def test_a_templates_own_globals_stay_its_own(app):
    with app.app_context():
        environment = app.jinja_env
        template = environment.from_string("{{ greeting }}", globals={"greeting": "hi"})
        assert template.render() == "hi"
        assert "greeting" not in environment.globals
        assert environment.from_string("{{ greeting }}").render() == ""
