"""Static files: `flask static build` writes fingerprinted, precompressed copies of app/static
and of the Bootstrap files the pages load; WhiteNoise serves them, each per Accept-Encoding, the
fingerprinted ones cached for a year. Without a build the pages link the plain files."""

import hashlib
import json
import os
import tempfile
from pathlib import Path

import click
import flask_bootstrap
from flask import Flask, current_app, redirect, url_for
from flask.cli import AppGroup
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from app.security import CONTENT_SECURITY_POLICY, serves_requests

# Bootstrap's JS with the Popper it places popovers with (the user popup), both as
# Bootstrap-Flask ships them: its bootstrap5 folder has Popper beside Bootstrap, not the bundle.
BOOTSTRAP_FILES = (
    "css/bootstrap.min.css",
    "css/bootstrap.min.css.map",
    "umd/popper.min.js",
    "umd/popper.min.js.map",
    "js/bootstrap.min.js",
    "js/bootstrap.min.js.map",
)
BOOTSTRAP_ROOT = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5"
MANIFEST = "manifest.json"
# Source maps are read by developer tools only, by the plain name the minified file gives.
UNBUILT_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# A plain name may change with the next deploy, so browsers check it again soon.
PLAIN_MAX_AGE = 60

static_cli = AppGroup("static", help="Build the fingerprinted, compressed static files.")


class StaticFiles(WhiteNoise):
    # One year: the longest RFC 9111 expects a cache to honour (WhiteNoise's own is ten).
    FOREVER = 365 * 24 * 60 * 60


def sources(app: Flask) -> dict[str, Path]:
    """Each file to build, by the name templates ask static_url() for."""
    static = Path(app.static_folder or "")
    files = {
        path.relative_to(static).as_posix(): path
        for path in sorted(static.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }
    files.update({f"bootstrap/{name}": BOOTSTRAP_ROOT / name for name in BOOTSTRAP_FILES})
    return files


def fingerprinted(name: str, data: bytes) -> str:
    """`css/site.css` -> `css/site.<12 hex digits of its SHA-256>.css`."""
    stem, dot, extension = name.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"{stem}.{digest}.{extension}" if dot and "/" not in extension else f"{name}.{digest}"


def write_if_changed(path: Path, data: bytes) -> None:
    """Write atomically, and not at all when the file already holds `data`: instances
    building at once never serve half a file, and an up-to-date read-only tree stays as is."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".build-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def write_with_encodings(path: Path, data: bytes, compressor: Compressor) -> None:
    """The file, and its .br and .gz beside it where they are smaller (WhiteNoise and nginx's
    gzip_static look for exactly these names)."""
    write_if_changed(path, data)
    if not compressor.should_compress(path.name):
        return
    for suffix, compressed in (
        (".br", compressor.compress_brotli(data)),
        (".gz", compressor.compress_gzip(data)),
    ):
        if len(compressed) < len(data) * 0.95:
            write_if_changed(path.with_name(path.name + suffix), compressed)


def build(app: Flask) -> dict[str, str]:
    """Write every source under STATIC_BUILD_DIR by its own name and its fingerprinted one,
    with their compressed versions and the manifest mapping one to the other."""
    out = Path(app.config["STATIC_BUILD_DIR"])
    compressor = Compressor(extensions=UNBUILT_EXTENSIONS, quiet=True)
    manifest = {}
    for name, source in sources(app).items():
        data = source.read_bytes()
        if name.endswith(".map"):
            write_if_changed(out / name, data)
            continue
        manifest[name] = fingerprinted(name, data)
        for target in (name, manifest[name]):
            write_with_encodings(out / target, data, compressor)
    write_if_changed(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return manifest


@static_cli.command("build")
def build_command() -> None:
    """Write the fingerprinted, compressed static files (after every change to app/static)."""
    manifest = build(current_app)
    click.echo(f"{len(manifest)} static files in {current_app.config['STATIC_BUILD_DIR']}")


def load_manifest(app: Flask) -> dict[str, str]:
    path = Path(app.config["STATIC_BUILD_DIR"]) / MANIFEST
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def static_url(filename: str) -> str:
    """The URL of a static file: its fingerprinted copy once built, else the plain file."""
    manifest = current_app.extensions["static_manifest"]
    if filename in manifest:
        return url_for("static", filename=manifest[filename])
    if filename.startswith("bootstrap/"):
        return url_for("bootstrap.static", filename=filename.removeprefix("bootstrap/"))
    return url_for("static", filename=filename)


def favicon():
    """Browsers that ignore the page's icon link still ask for /favicon.ico."""
    response = redirect(static_url("favicon.svg"))
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 60 * 60
    return response


def add_security_headers(headers, path: str, url: str) -> None:
    # WhiteNoise answers before Flask: security.add_security_headers never sees these (the pages
    # carry Strict-Transport-Security, which covers the whole site).
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"


def init_app(app: Flask) -> None:
    manifest = load_manifest(app)
    app.extensions["static_manifest"] = manifest
    if manifest:
        immutable = {f"{app.static_url_path}/{name}" for name in manifest.values()}
        app.wsgi_app = StaticFiles(  # type: ignore[method-assign]
            app.wsgi_app,
            root=app.config["STATIC_BUILD_DIR"],
            prefix=app.static_url_path,
            max_age=PLAIN_MAX_AGE,
            immutable_file_test=lambda path, url: url in immutable,
            add_headers_function=add_security_headers,
            allow_all_origins=False,
        )
    elif serves_requests() and not (app.debug or app.testing):
        app.logger.warning("No static build: run `flask static build` for compressed files")
    app.add_template_global(static_url)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.cli.add_command(static_cli)
