"""Static files: `flask static build`, the fingerprinted URLs pages link, and what WhiteNoise
answers for them (cache lifetime, encoding per Accept-Encoding, the bytes themselves)."""

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest

from app import create_app
from app.static_files import BOOTSTRAP_ROOT
from tests.conftest import TEST_CONFIG

SOURCES = {
    "microblog.css": Path("app/static/microblog.css"),
    "microblog.js": Path("app/static/microblog.js"),
    "favicon.svg": Path("app/static/favicon.svg"),
    "bootstrap/css/bootstrap.min.css": BOOTSTRAP_ROOT / "css/bootstrap.min.css",
    "bootstrap/umd/popper.min.js": BOOTSTRAP_ROOT / "umd/popper.min.js",
    "bootstrap/js/bootstrap.min.js": BOOTSTRAP_ROOT / "js/bootstrap.min.js",
}
ROOT = Path(__file__).resolve().parent.parent
YEAR = 365 * 24 * 60 * 60
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    """One `flask static build` for the module: Brotli at its best level takes a second."""
    path = tmp_path_factory.mktemp("static-build")
    app = create_app({**TEST_CONFIG, "STATIC_BUILD_DIR": str(path)})
    result = app.test_cli_runner().invoke(args=["static", "build"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def built_app(make_app, build_dir):
    return make_app(STATIC_BUILD_DIR=str(build_dir))


@pytest.fixture
def built_client(built_app):
    return built_app.test_client()


def fetch(client, url: str, **kwargs):
    """The response, read and closed: WhiteNoise answers with an open file."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def manifest(build_dir: Path) -> dict[str, str]:
    return json.loads((build_dir / "manifest.json").read_text())


def fingerprinted_url(build_dir: Path, name: str) -> str:
    return f"/static/{manifest(build_dir)[name]}"


def test_build_names_each_file_by_its_content(build_dir):
    names = manifest(build_dir)
    assert set(SOURCES) <= set(names)
    for name, hashed in names.items():
        stem, _, extension = name.rpartition(".")
        assert re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.{extension}", hashed)
    for name, source in SOURCES.items():
        assert (build_dir / names[name]).read_bytes() == (ROOT / source).read_bytes()
    assert names["microblog.css"] != names["microblog.js"]


def test_build_again_changes_no_file(build_dir):
    before = {path: path.stat().st_mtime_ns for path in build_dir.rglob("*")}
    app = create_app({**TEST_CONFIG, "STATIC_BUILD_DIR": str(build_dir)})
    assert app.test_cli_runner().invoke(args=["static", "build"]).exit_code == 0
    assert {path: path.stat().st_mtime_ns for path in build_dir.rglob("*")} == before


@pytest.mark.parametrize("name", sorted(SOURCES))
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_fingerprinted_file_is_compressed_and_cached_a_year(
    built_client, build_dir, name, encoding
):
    response = fetch(
        built_client,
        fingerprinted_url(build_dir, name),
        headers={"Accept-Encoding": f"{encoding}, identity"},
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cache = response.cache_control
    assert cache.public and cache.immutable and cache.max_age == YEAR
    source = (ROOT / SOURCES[name]).read_bytes()
    assert DECODE[encoding](response.data) == source
    assert len(response.data) < len(source)


def test_brotli_is_preferred_when_both_are_accepted(built_client, build_dir):
    url = fingerprinted_url(build_dir, "bootstrap/css/bootstrap.min.css")
    response = fetch(built_client, url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"


def test_client_without_compression_gets_the_plain_bytes(built_client, build_dir):
    response = fetch(built_client, fingerprinted_url(build_dir, "microblog.js"))
    assert "Content-Encoding" not in response.headers
    assert response.data == (ROOT / SOURCES["microblog.js"]).read_bytes()
    assert response.mimetype == "text/javascript"


@pytest.mark.parametrize("name", ["microblog.css", "bootstrap/js/bootstrap.min.js"])
def test_plain_name_still_works_with_a_short_cache(built_client, name):
    response = fetch(built_client, f"/static/{name}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == (ROOT / SOURCES[name]).read_bytes()
    assert not response.cache_control.immutable
    assert response.cache_control.max_age <= 60


@pytest.mark.parametrize(
    "path",
    [
        "/static/nothing.css",
        "/static/microblog.000000000000.css",
        "/static/../config.py",
        "/static/%2e%2e/config.py",
        "/static/..%2fconfig.py",
        "/static//etc/passwd",
        "/static/microblog.css%00.js",
        "/static/" + "a" * 5000 + ".css",
        "/static/manifest.json/..",
    ],
)
def test_unknown_or_odd_static_paths_are_refused_without_error(built_client, path):
    # 400 is the app's answer to a NUL in the path, 308 Werkzeug's to a trailing "..".
    assert fetch(built_client, path).status_code in {400, 404, 308}


def test_pages_link_fingerprinted_files_popper_before_bootstrap(built_client, build_dir):
    page = fetch(built_client, "/auth/login").get_data(as_text=True)
    for name in SOURCES:
        assert f'"{fingerprinted_url(build_dir, name)}"' in page
    # Bootstrap's popovers look for Popper when they open: it must be loaded first.
    assert page.index("umd/popper.") < page.index("js/bootstrap.min.")
    assert 'rel="icon"' in page


def test_every_linked_file_is_served(built_client):
    page = fetch(built_client, "/auth/login").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    # Bootstrap's CSS, JS and Popper, color-modes.css, our CSS, JS and icon; passkeys.js
    assert len(urls) == 8
    for url in urls:
        assert fetch(built_client, url).status_code == 200


def test_without_a_build_pages_link_the_plain_files(make_app, tmp_path):
    client = make_app(STATIC_BUILD_DIR=str(tmp_path / "never-built")).test_client()
    page = fetch(client, "/auth/login").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/(?:static|bootstrap)/[^"]+)"', page)
    assert not [url for url in urls if re.search(r"\.[0-9a-f]{12}\.", url)]
    for url in urls:
        assert fetch(client, url).status_code == 200


@pytest.mark.parametrize("built", [True, False])
def test_favicon_ico_leads_to_the_svg(make_app, build_dir, tmp_path, built):
    client = make_app(STATIC_BUILD_DIR=str(build_dir if built else tmp_path)).test_client()
    response = fetch(client, "/favicon.ico", follow_redirects=True)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data == (ROOT / SOURCES["favicon.svg"]).read_bytes()
