"""A form's fields are rendered once per form class, language and the data a GET put in them
(app/speedups/forms.py)."""

import re

import pytest
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField

from app.auth.forms import LoginForm
from app.main.forms import EditProfileForm, PostForm
from app.speedups.forms import hidden_fields, is_blank, shown_data


def form_of(page: str) -> str:
    form = re.search(r'<form action="[^"]*" method="post" novalidate>.*?</form>', page, re.S)
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", form.group(0))


@pytest.mark.speedups
def test_a_blank_form_is_rendered_once_and_reused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    first = client.get("/auth/login").text
    assert len(app.extensions["microblog.blank_forms"]) == 1
    second = app.test_client().get("/auth/login").text
    assert form_of(second) == form_of(first)
    # The CSRF token is not part of what is kept: each visitor gets their own.
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    assert token.search(first).group(1) != token.search(second).group(1)


def test_a_blank_form_is_kept_per_language(client):
    english = form_of(client.get("/auth/login").text)
    chinese = form_of(client.get("/auth/login", headers={"Accept-Language": "zh-CN"}).text)
    assert "Username" in english
    assert "Username" not in chinese
    assert form_of(client.get("/auth/login").text) == english


def test_a_form_with_errors_or_data_is_rendered_afresh(app, client, auth, make_user):
    make_user()
    auth.login()
    refused = client.post("/index", data={"post": "x" * 281}).text
    assert "A post can be at most 280 characters long." in refused
    assert "x" * 281 in refused
    assert "A post can be at most" not in client.get("/index").text
    assert 'value="susan"' in client.get("/edit_profile").text


def test_is_blank(app):
    with app.test_request_context():
        assert is_blank(PostForm())
        assert not is_blank(PostForm(data={"post": "hello"}))
        assert not is_blank(EditProfileForm("susan", data={"username": "susan"}))


@pytest.mark.speedups
def test_a_reply_form_is_kept_per_the_name_it_starts_with(app, client, auth, make_user):
    from tests.posts.test_routes import write

    for name in ("susan", "john", "mary"):
        make_user(name)
    johns, marys = write(app, "john", "hello"), write(app, "mary", "hi")
    auth.login()
    first = form_of(client.get(f"/post/{johns}").text)
    assert "@john " in first
    kept = app.extensions["microblog.blank_forms"]
    assert any(key[-1] == (("post", "@john "),) for key in kept)
    assert form_of(client.get(f"/post/{johns}").text) == first
    assert "@mary " in form_of(client.get(f"/post/{marys}").text)
    assert "@john " not in form_of(client.get(f"/post/{marys}").text)


def test_shown_data_keeps_only_what_a_get_put_in_a_form(app):
    class Secret(FlaskForm):
        name = StringField()
        password = PasswordField()

    class Choosing(FlaskForm):
        colour = SelectField(choices=["red", "blue"])

    with app.test_request_context():
        assert shown_data(PostForm()) == ()
        assert shown_data(PostForm(data={"post": "@john "})) == (("post", "@john "),)
        assert shown_data(Secret(data={"name": "susan"})) == (("name", "susan"),)
        # A password is never part of a key, nor a list of choices.
        assert shown_data(Secret(data={"password": "hunter2"})) is None
        assert shown_data(Choosing()) is None
    with app.test_request_context(method="POST", data={"post": "what a reader typed"}):
        assert shown_data(PostForm()) is None
    with app.test_request_context(method="POST"):
        assert shown_data(PostForm()) == ()


def test_hidden_fields_renders_what_hidden_tag_does(make_app):
    class WithHidden(FlaskForm):
        next_page = HiddenField(default='/a"b<c>')
        name = StringField()

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.test_request_context():
        for form in (PostForm(), LoginForm(), WithHidden(), WithHidden(prefix="second")):
            assert hidden_fields(form) == form.hidden_tag()
        assert 'name="csrf_token" type="hidden"' in hidden_fields(PostForm())
    with make_app(WTF_CSRF_ENABLED=False).test_request_context():
        assert hidden_fields(PostForm()) == PostForm().hidden_tag() == ""
