"""Property-based fuzzing of every form and URL parameter, in-process, on SQLite and on
PostgreSQL: whatever arrives, the answer is never a 500 and nothing is half-written."""

import os
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text

from app import create_app
from app.extensions import db
from app.models import Post, User, followers
from tests.conftest import PASSWORD, TEST_CONFIG

pytestmark = pytest.mark.system

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any Unicode a browser can send (control characters included), sometimes very long.
any_text = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=80),
    st.text(st.characters(codec="utf-8"), min_size=250, max_size=3000),
    # Characters NFKC expands many times over, and ones that case-fold to something longer.
    st.text(st.sampled_from("\ufdfa\u3300\u0130\u00df\ufb03abc"), min_size=1, max_size=70),
)
# Percent-encoded bytes, valid UTF-8 or not.
any_bytes = st.binary(max_size=200).map(lambda raw: "".join(f"%{b:02X}" for b in raw))
any_value = st.one_of(any_text.map(lambda t: quote(t, safe="")), any_bytes)
any_page = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "1e9", "99999999999999999999", "", "NaN", " 2", "0x10"]),
    any_value,
)

# (path, fields, logged in)
FORMS = [
    ("/auth/register", ["username", "email", "password", "password2"], False),
    ("/auth/login", ["username", "password", "remember_me"], False),
    ("/auth/reset_password_request", ["email"], False),
    ("/auth/reset_password", ["password", "password2"], False),
    ("/index", ["post"], True),
    ("/edit_profile", ["username", "about_me"], True),
    ("/auth/change_password", ["current_password", "password", "password2"], True),
]

URLS = [
    ("GET", "/user/{}", True),
    ("GET", "/user/{}/popup", True),
    ("POST", "/follow/{}", True),
    ("POST", "/unfollow/{}", True),
    ("GET", "/auth/reset_password/{}", False),
    ("GET", "/avatar/{}.svg", False),
    ("GET", "/auth/login?next={}", False),
    ("GET", "/{}", False),
]

PAGED = ["/index?page={}", "/explore?page={}", "/user/fuzzer?page={}"]


def postgres_database():
    """A fresh database on the TEST_POSTGRES_URL server; yields its URL, drops it after."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set")
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"fuzz_{uuid.uuid4().hex[:12]}"
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure here means no usable server
        server.dispose()
        pytest.skip(f"PostgreSQL at TEST_POSTGRES_URL is unreachable: {error}")
    yield server.url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def fuzz_app(request, tmp_path_factory):
    if request.param == "postgres":
        databases = postgres_database()
        url = next(databases)
    else:
        databases = None
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        for name in ("fuzzer", "target"):
            user = User(username=name, email=f"{name}@example.com")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()
    if databases is not None:
        next(databases, None)


@pytest.fixture(scope="module")
def clients(fuzz_app):
    """A visitor, and a client logged in as `fuzzer` (by id: a fuzzed edit may rename it)."""
    member = fuzz_app.test_client()
    response = member.post("/auth/login", data={"username": "fuzzer", "password": PASSWORD})
    assert response.status_code == 302
    return {False: fuzz_app.test_client(), True: member}


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            "users": db.session.scalar(select(func.count()).select_from(User)),
            "posts": db.session.scalar(select(func.count()).select_from(Post)),
            "follows": db.session.scalar(select(func.count()).select_from(followers)),
        }


def assert_consistent(app) -> None:
    """Nothing half-written: every row whole, every reference pointing at a real row."""
    with app.app_context():
        scalar = db.session.scalar
        orphan_posts = (
            select(func.count()).select_from(Post).outerjoin(User).where(User.id.is_(None))
        )
        assert scalar(orphan_posts) == 0
        assert scalar(select(func.count()).where(Post.body == "")) == 0
        assert scalar(select(func.max(func.length(Post.body)))) in (None, *range(1, 281))
        bad_users = select(func.count()).where(
            (User.password_hash.is_(None)) | (User.username == "") | (User.email == "")
        )
        assert scalar(bad_users) == 0
        assert scalar(select(func.max(func.length(User.username)))) <= 64
        assert scalar(select(func.max(func.length(User.email)))) <= 120
        dangling = (
            select(func.count())
            .select_from(followers)
            .outerjoin(User, User.id == followers.c.followed_id)
            .where(User.id.is_(None))
        )
        assert scalar(dangling) == 0
        assert (
            scalar(select(func.count()).where(followers.c.follower_id == followers.c.followed_id))
            == 0
        )


@FUZZ
@given(form=st.sampled_from(FORMS), data=st.data())
@example(form=FORMS[0], data=None)
def test_any_text_in_any_form(fuzz_app, clients, form, data):
    path, fields, logged_in = form
    if data is None:  # NFKC turns each of these into 18 characters: 72, past the column's 64
        values = dict.fromkeys(fields, "\ufdfa" * 4)
        values["email"] = "nfkc@example.com"
        values["password"] = values["password2"] = "long enough pass"
    else:
        values = {field: data.draw(any_text, label=field) for field in fields}
    before = counts(fuzz_app)
    response = clients[logged_in].post(path, data=values)
    assert response.status_code < 500, (path, values)
    after = counts(fuzz_app)
    created = {name: after[name] - before[name] for name in after}
    if path == "/auth/register":
        assert created["users"] == (1 if response.status_code == 302 else 0)
    elif path == "/index":
        assert created["posts"] == (1 if response.status_code == 302 else 0)
    else:
        assert created["users"] == created["posts"] == 0
    assert_consistent(fuzz_app)


@FUZZ
@given(form=st.sampled_from(FORMS), raw=st.binary(max_size=400), encoded=any_bytes)
def test_raw_and_invalid_utf8_bodies(fuzz_app, clients, form, raw, encoded):
    path, fields, logged_in = form
    client = clients[logged_in]
    for body in (raw, "&".join(f"{field}={encoded}" for field in fields).encode()):
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (path, body)
    assert_consistent(fuzz_app)


@FUZZ
@given(url=st.sampled_from(URLS), value=any_value)
def test_any_url_parameter(fuzz_app, clients, url, value):
    method, pattern, logged_in = url
    response = clients[logged_in].open(pattern.format(value), method=method)
    assert response.status_code < 500, (method, pattern, value)
    assert_consistent(fuzz_app)


@FUZZ
@given(path=st.sampled_from(PAGED), page=any_page)
def test_any_page_number(fuzz_app, clients, path, page):
    response = clients[True].get(path.format(page))
    # 404 for a page that cannot exist; 400 for a NUL character, refused before any query.
    assert response.status_code in (200, 400, 404), (path, page, response.status_code)
