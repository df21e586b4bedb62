"""Parts of pages rendered once and kept (app/speedups/fragments.py)."""

import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from jinja2 import nodes

from app.extensions import db
from app.models import Message, User
from app.speedups.fragments import fill_holes, hole, rendered_once
from tests.conftest import PASSWORD, add_user


def navbar(page: str) -> str:
    return re.search(r"<nav .*?</nav>", page, re.S).group(0)


@pytest.mark.speedups
def test_the_shared_parts_are_rendered_once_and_reused(app, client):
    first = client.get("/auth/login").text
    kept = dict(app.extensions["microblog.fragments"])
    assert {key[0] for key in kept} == {"stylesheets", "navbar", "scripts"}
    # A page the navbar has no item for: its parts are the login page's but for the marked item.
    client.get("/auth/reset_password_request")
    kept = dict(app.extensions["microblog.fragments"])
    again = client.get("/auth/reset_password_request").text
    assert app.extensions["microblog.fragments"] == kept
    # Alike but for the way back from the language picker, which is each page's own, and the
    # item marked as the current page.
    way_back = re.compile(r'name="next" type="hidden" value="[^"]*"| active" aria-current="page')
    assert way_back.sub("", navbar(again)) == way_back.sub("", navbar(first))
    # The fingerprinted names once `flask static build` has run, else the plain ones.
    assert re.search(r'<link rel="stylesheet" href="/static/microblog\.(\w{12}\.)?css">', again)
    assert re.search(r'<script src="/static/microblog\.(\w{12}\.)?js" defer></script>', again)


def test_they_mark_the_current_page_per_page(client, auth, make_user):
    login = navbar(client.get("/auth/login").text)
    assert 'active" aria-current="page" href="/auth/login"' in login
    register = navbar(client.get("/auth/register").text)
    assert register.count('aria-current="page"') == 1
    assert 'aria-current="page" href="/auth/register"' in register
    make_user("susan")
    auth.login("susan")
    assert 'aria-current="page" href="/explore"' in navbar(client.get("/explore").text)
    assert 'aria-current="page" href="/messages"' in navbar(client.get("/messages").text)
    assert 'aria-current="page" href="/user/susan"' in navbar(client.get("/user/susan").text)
    assert "aria-current" not in navbar(client.get("/edit_profile").text)


def test_they_are_kept_per_language(client):
    english = navbar(client.get("/auth/login").text)
    chinese = navbar(client.get("/auth/login", headers={"Accept-Language": "zh-CN"}).text)
    assert ">Explore<" in english and ">Login<" in english
    assert ">Explore<" not in chinese and ">Login<" not in chinese
    assert navbar(client.get("/auth/login").text) == english


def test_they_are_kept_per_script_root(client):
    plain = client.get("/auth/login").text
    mounted = client.get("/auth/login", environ_overrides={"SCRIPT_NAME": "/blog"}).text
    assert 'href="/explore"' in navbar(plain)
    assert 'href="/blog/explore"' in navbar(mounted)
    assert re.search(r'href="/blog/static/microblog\.(\w{12}\.)?css"', mounted)


def test_what_differs_per_reader_is_not_kept(app, client, auth, make_user):
    make_user("susan")
    make_user("john")
    auth.login("susan")
    susan = navbar(client.get("/index").text)
    assert 'href="/user/susan">' in susan
    assert "Login" not in susan  # the visitor's links are a part of their own
    auth.logout()
    auth.login("john")
    assert 'href="/user/john">' in navbar(client.get("/index").text)


@pytest.mark.speedups
def test_the_language_pickers_token_and_way_back_are_the_readers_own(make_app, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app, "susan")
    visitor, member = app.test_client(), app.test_client()
    token = csrf_token(member.get("/auth/login"))
    credentials = {"username": "susan", "password": PASSWORD, "csrf_token": token}
    assert member.post("/auth/login", data=credentials).status_code == 302
    pages = [
        (visitor, "/auth/register?from=mail"),
        (member, "/explore"),
        (member, "/user/susan"),
    ]
    tokens = set()
    for client, path in pages:
        page = client.get(path).text
        picker = re.search(r'<form[^>]*action="/language".*?</form>', page, re.S).group(0)
        assert f'name="next" type="hidden" value="{path}"' in picker
        tokens.add(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', picker)[1])
    # Signed with the time, a session's token reads differently from one second to the next:
    # what it signs is the session's.
    signed = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    assert len({signed.loads(token) for token in tokens}) == 2  # one a session
    kept = "".join(app.extensions["microblog.fragments"].values())
    assert 'value="/' not in kept
    assert not any(token in kept for token in tokens)
    assert "susan" not in kept
    # Kept with holes where each reader's own values go.
    assert 'name="csrf_token" type="hidden" value="\x00csrf_token\x00"' in kept
    assert 'name="next" type="hidden" value="\x00next\x00"' in kept


def test_the_unread_badge_shows_the_readers_count(app, client, auth, make_user):
    susan, john = make_user("susan"), make_user("john")
    with app.app_context():
        db.session.add(
            Message(
                author=db.session.get(User, john.id),
                recipient=db.session.get(User, susan.id),
                body="hi",
            )
        )
        db.session.commit()
    auth.login("john")
    assert re.search(r'class="badge text-bg-danger d-none"[^>]*>0<', client.get("/index").text)
    auth.logout()
    auth.login("susan")
    assert re.search(r'class="badge text-bg-danger"[^>]*>1<', client.get("/index").text)


def test_fill_holes_prints_each_value_escaped_where_its_holes_are():
    kept = f"<p>{hole('a')}</p><i>{hole('b')}{hole('a')}</i>"
    values = {"a": "<x & y>", "b": "\x00a\x00", "unused": "z"}
    # A value's own text is not searched for holes; every value is escaped.
    assert fill_holes(kept, values) == "<p>&lt;x &amp; y&gt;</p><i>\x00a\x00&lt;x &amp; y&gt;</i>"
    assert fill_holes("<p>no holes</p>", values) == "<p>no holes</p>"
    # A stray NUL, which no page should hold, leaves the holes found as they are.
    assert fill_holes(f"1\x002{hole('a')}", values) == "1\x002&lt;x &amp; y&gt;"


def test_a_full_store_is_emptied_before_it_grows():
    kept: dict = {}
    for n in range(3):
        assert rendered_once(kept, (n,), lambda n=n: f"<p>{n}</p>", limit=2) == f"<p>{n}</p>"
    assert list(kept) == [(2,)]
    assert rendered_once(kept, (2,), lambda: "not rendered again", limit=2) == "<p>2</p>"


# --- The leak guard: a shared block may show only its key, translations and URLs ------------

# Globals that give every reader the same thing for the same language and script root
# (language_choices: the offered languages, the current one marked: the block's language).
SAME_FOR_EVERYONE = {
    "_",
    "gettext",
    "ngettext",
    "url_for",
    "static_url",
    "bootstrap",
    "language_choices",
}


def shared_block_leaks(env, source: str, name: str = "<string>") -> list[str]:
    """What a template's same_for_everyone() blocks read besides their key and the
    SAME_FOR_EVERYONE globals: whatever differs per reader (current_user, csrf_token(),
    get_flashed_messages(), the session, the request) would be shown to the next reader."""
    leaks = []
    for block in env.parse(source).find_all(nodes.CallBlock):
        call = block.call
        if not (isinstance(call.node, nodes.Name) and call.node.name == "same_for_everyone"):
            continue
        keyed = {n.name for n in nodes.Template(call.args).find_all(nodes.Name)}
        body = nodes.Template(block.body)
        stored = {n.name for n in body.find_all(nodes.Name) if n.ctx in ("store", "param")}
        # The reader's own values (`call(reader)`) may only be printed, `{{ reader.name }}`:
        # the speed-up prints them into holes, so a test or a filter would see the hole.
        readers = {arg.name for arg in block.args}
        printed = {
            id(value.node)
            for output in body.find_all(nodes.Output)
            for value in output.nodes
            if isinstance(value, nodes.Getattr) and isinstance(value.node, nodes.Name)
        }
        for node in body.find_all((nodes.Name, nodes.Include, nodes.Import, nodes.FromImport)):
            if not isinstance(node, nodes.Name):
                leaks.append(f"{name}: a template is brought into a shared block")
            elif node.name in readers:
                if id(node) not in printed:
                    leaks.append(f"{name}: {node.name} used other than printed")
            elif node.ctx == "load" and node.name not in keyed | stored | SAME_FOR_EVERYONE:
                leaks.append(f"{name}: {node.name}")
    return leaks


def test_no_shared_block_reads_anything_per_reader(app):
    templates = [t for t in app.jinja_env.list_templates() if t.endswith(".html")]
    assert "base.html" in templates
    leaks = []
    for template in templates:
        source = app.jinja_env.loader.get_source(app.jinja_env, template)[0]
        leaks += shared_block_leaks(app.jinja_env, source, template)
    assert leaks == []


@pytest.mark.parametrize(
    ("inside", "leak"),
    [
        # The Profile link moved into the navbar block would show one reader's link to all.
        ("{{ url_for('main.user', username=current_user.username) }}", "current_user"),
        ("{{ csrf_token() }}", "csrf_token"),
        ("{% for m in get_flashed_messages() %}{{ m }}{% endfor %}", "get_flashed_messages"),
        ("{{ session['_user_id'] }}", "session"),
        ("{{ request.args.q }}", "request"),
        ("{{ html_lang() }}", "html_lang"),
    ],
)
def test_the_guard_catches_what_differs_per_reader(app, inside, leak):
    source = f'{{% call same_for_everyone("navbar") %}}{inside}{{% endcall %}}'
    assert shared_block_leaks(app.jinja_env, source) == [f"<string>: {leak}"]


def test_the_guard_allows_the_key_translations_and_urls(app):
    source = (
        '{% call same_for_everyone("badge", unread) %}'
        "{% for n in range(unread) %}{{ n }}{% endfor %}"
        "<a href=\"{{ url_for('main.index') }}\">{{ _('Home') }} {{ unread }}</a>{% endcall %}"
    )
    assert shared_block_leaks(app.jinja_env, source) == ["<string>: range"]


@pytest.mark.parametrize(
    ("inside", "leak"),
    [
        ("{% if reader.name %}x{% endif %}", "reader used other than printed"),
        ("{{ reader.name|upper }}", "reader used other than printed"),
        ("{{ url_for('main.user', username=reader.name) }}", "reader used other than printed"),
        ("{{ reader.name }}{{ current_user.username }}", "current_user"),
    ],
)
def test_the_guard_lets_the_readers_own_values_only_be_printed(app, inside, leak):
    source = (
        '{% call(reader) same_for_everyone("x", name=current_user.username) %}'
        f"{inside}{{% endcall %}}"
    )
    assert shared_block_leaks(app.jinja_env, source) == [f"<string>: {leak}"]


def test_the_guard_allows_printing_the_readers_own_values(app):
    source = (
        '{% call(reader) same_for_everyone("x", name=current_user.username) %}'
        '<a title="{{ reader.name }}">{{ _("Profile") }}</a>{{ reader.name }}{% endcall %}'
    )
    assert shared_block_leaks(app.jinja_env, source) == []


HOLES = (
    '{% call(reader) same_for_everyone("holes", n, a=a, b=b) %}'
    '<a title="{{ reader.a }}">{{ n }}</a><p>{{ reader.b }}{{ reader.a }}</p>{% endcall %}'
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('<script>alert("x")</script>', "it's & <b>"),
        # A value that looks like a hole is printed as it is, not filled in.
        ("\x00b\x00", "\x00a\x00"),
        (7, None),
    ],
)
def test_holes_print_each_readers_values_as_the_plain_block_does(make_app, a, b):
    pages = []
    for speedups in (False, True):
        app = make_app(SPEEDUPS=speedups)
        with app.test_request_context():
            template = app.jinja_env.from_string(HOLES)
            # The second reader's page comes from the markup kept for the first.
            pages.append(
                [template.render(n=1, a="first", b="reader"), template.render(n=1, a=a, b=b)]
            )
    assert pages[0] == pages[1]
    assert "first" not in pages[1][1]


def test_the_admins_reports_link_is_theirs_alone(app, client, auth, make_user):
    make_user("boss")
    make_user("john")
    with app.app_context():
        db.session.scalar(User.by_username("boss")).is_admin = True
        db.session.commit()
    auth.login("boss")
    assert 'href="/admin/reports"' in navbar(client.get("/index").text)
    auth.logout()
    auth.login("john")
    assert 'href="/admin/reports"' not in navbar(client.get("/index").text)
