"""The secret key, proxy trust, security headers and cookie flags."""

import secrets
from pathlib import Path

from flask import Flask, Response, abort, request
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


class MissingSecretKey(RuntimeError):
    pass


def load_secret_key(app: Flask) -> str:
    """SECRET_KEY from the environment, else the random key kept in the instance folder.

    Only a debug or testing app may create that key; anywhere else a missing key is an error,
    so production never runs on a key nobody chose.
    """
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    key_file = Path(app.instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if not (app.debug or app.testing):
        raise MissingSecretKey(
            "SECRET_KEY is not set. Set it in the environment or in .env, for example:\n"
            "  echo \"SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')\""
            " >> .env\n"
            "or run once with --debug (make run) to create instance/secret_key."
        )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


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
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    app.json = NestingSafeJSONProvider(app)
    app.before_request(reject_nul_characters)
    app.session_interface = HttpsSessionInterface()
    app.after_request(add_security_headers)
