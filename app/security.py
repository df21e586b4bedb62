"""The secret key, the site's canonical origin, safe redirects, proxy trust, security headers and
cookie flags."""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, Response, abort, current_app, request, url_for
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://www.gravatar.com",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Shorter keys are guessable offline from any signed cookie or reset link.
MIN_SECRET_KEY_LENGTH = 32
NEW_KEY_HINT = (
    "  echo \"SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')\" >> .env"
)


class ConfigurationError(click.ClickException):
    """A setting the site cannot serve without: `flask` prints it as one line, no traceback."""


class MissingSecretKey(ConfigurationError):
    pass


class WeakSecretKey(ConfigurationError):
    pass


class MissingServerName(ConfigurationError):
    pass


def serves_requests() -> bool:
    """False while a `flask` command other than `flask run` builds the app: `flask db
    upgrade` or `flask translate compile` sign nothing and send no links, so they run without
    the settings only serving needs. gunicorn runs no click command; `rq worker` does, and
    the emails it sends carry links."""
    command = click.get_current_context(silent=True)
    return command is None or command.command.name in {"run", "worker"}


def load_secret_key(app: Flask) -> str | None:
    """SECRET_KEY from the environment, else the random key kept in the instance folder.

    Only a debug or testing app may create that key; an app serving requests without one is
    an error, so production never runs on a key nobody chose.
    """
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    key_file = Path(app.instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if not (app.debug or app.testing):
        return None
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def check_serving_settings(app: Flask) -> None:
    """Refuse to serve without a strong SECRET_KEY and the site's SERVER_NAME (debug and
    testing apps excepted), each with a message that says how to set it."""
    if app.debug or app.testing:
        return
    key = app.config.get("SECRET_KEY")
    if not key:
        raise MissingSecretKey(
            "SECRET_KEY is not set. Set it in the environment or in .env, for example:\n"
            f"{NEW_KEY_HINT}\n"
            "or run once with --debug (make run) to create instance/secret_key."
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise WeakSecretKey(
            f"SECRET_KEY is too short ({len(key)} characters; at least "
            f"{MIN_SECRET_KEY_LENGTH}). Make a random one, for example:\n{NEW_KEY_HINT}"
        )
    if not app.config.get("SERVER_NAME"):
        raise MissingServerName(
            "SERVER_NAME is not set: the site's public host[:port] (e.g. SERVER_NAME=example.com),"
            " which every link in an email is built from. Set it in the environment or in .env"
            " (with PREFERRED_URL_SCHEME=http for a site without HTTPS)."
        )


def trusted_hosts(app: Flask) -> list[str] | None:
    """SERVER_NAME's host and the TRUSTED_HOSTS setting's; None (any host) with neither."""
    hosts = list(app.config.get("TRUSTED_HOSTS") or [])
    server_name = app.config.get("SERVER_NAME")
    if server_name:
        # Werkzeug compares hosts without their port.
        host, _, port = server_name.rpartition(":")
        hosts.insert(0, host if port.isdigit() and host else server_name)
    return hosts or None


def canonical_url_for(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` on SERVER_NAME with PREFERRED_URL_SCHEME, whatever
    host or scheme the current request names: what every emailed link is built with.

    A debug or testing app without SERVER_NAME falls back to the request's host.
    """
    values.pop("_external", None)
    config = current_app.config
    if not config["SERVER_NAME"]:
        return url_for(endpoint, _external=True, **values)
    adapter = current_app.url_map.bind(
        config["SERVER_NAME"],
        script_name=config["APPLICATION_ROOT"],
        url_scheme=config["PREFERRED_URL_SCHEME"],
    )
    return adapter.build(endpoint, values, force_external=True)


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: a redirect must never leave the site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


class NestingSafeJSONProvider(DefaultJSONProvider):
    """JSON bodies nested too deeply ("[[[[…]]]]") are invalid JSON, a 400, not a crash."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            # Python's parser recurses once per nesting level and runs out of stack.
            raise ValueError("JSON nested too deeply") from error


def reject_nul_characters() -> None:
    """No database column can hold a NUL character (PostgreSQL refuses it): turn it away early."""
    values = [request.path, *request.args.values()]
    if request.method == "POST":
        values.extend(request.form.values())
    if any("\x00" in value for value in values):
        abort(400)


def read_body_in_time() -> None:
    """Read a request's body before anything parses it, giving up after REQUEST_BODY_TIMEOUT
    seconds: a client that sends less than its Content-Length gets a 400 (Werkzeug's
    ClientDisconnected), rather than tie up a sync worker until gunicorn kills it with a 500.
    Behind nginx, which buffers whole bodies, the body is all there and this never waits."""
    sock = request.environ.get("gunicorn.socket")
    if not request.content_length or sock is None:
        return
    previous = sock.gettimeout()
    sock.settimeout(current_app.config["REQUEST_BODY_TIMEOUT"])
    try:
        request.get_data(cache=True)
    finally:
        sock.settimeout(previous)


class HttpsSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure on HTTPS requests.

    The session is saved after every after_request hook has run, so add_security_headers
    never sees its cookie; the interface has to set the flag itself.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Cookies set by views and extensions (remember-me) are only ever sent back over HTTPS.
        cookies = response.headers.getlist("Set-Cookie")
        response.headers.setlist(
            "Set-Cookie", [c if "; Secure" in c else f"{c}; Secure" for c in cookies]
        )
    return response


def init_app(app: Flask) -> None:
    app.config["SECRET_KEY"] = load_secret_key(app)
    if serves_requests():
        check_serving_settings(app)
    # Requests for any other host answer 400: no redirect or link can carry a forged Host.
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    app.json = NestingSafeJSONProvider(app)
    app.before_request(read_body_in_time)
    app.before_request(reject_nul_characters)
    app.session_interface = HttpsSessionInterface()
    app.after_request(add_security_headers)
