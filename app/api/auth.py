"""Who is calling: HTTP Basic to get a token, then the token as a bearer on every request."""

from collections.abc import Callable
from functools import wraps
from typing import NoReturn

from flask import g, request
from flask_babel import _
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from app.api.blueprint import bp
from app.api.inputs import usable_text
from app.extensions import db
from app.models import TwoFactor, User
from app.twofactor.limits import OTP_HEADER

REALM = "microblog API"


def unauthorized(scheme: str, message: str, **parameters: str) -> NoReturn:
    challenge = WWWAuthenticate(scheme, {"realm": REALM, **parameters})
    raise Unauthorized(description=message, www_authenticate=challenge)


def basic_auth_user() -> User:
    """The user named by HTTP Basic credentials (username or email, and password), else 401."""
    credentials = request.authorization
    if credentials is None or credentials.type != "basic":
        unauthorized("Basic", _("Send your username or email and password with HTTP Basic."))
    username, password = credentials.username or "", credentials.password or ""
    user = None
    if username and password and usable_text(username) and usable_text(password):
        user = User.authenticate(username, password)
    if user is None:
        unauthorized("Basic", _("Invalid username or password"))
    if user.is_suspended:
        unauthorized("Basic", _("This account is suspended."))
    return user


def second_factor(user: User) -> None:
    """With two-factor authentication on, the X-OTP header must carry a current code (which
    is then spent), else 401: a password alone gets no token."""
    second = TwoFactor.of(user)
    if second is None:
        return
    code = request.headers.get(OTP_HEADER, "")
    if not code:
        unauthorized(
            "Basic",
            _(
                "This account has two-factor authentication: send the code from your "
                "authenticator app in the X-OTP header."
            ),
        )
    if not second.use_code(code):
        unauthorized("Basic", _("The code in X-OTP is wrong or was already used."))


def bearer_user() -> User | None:
    """The user of the request's bearer token; None without one; 401 if it is not valid."""
    credentials = request.authorization
    # Other schemes (Basic, for POST /api/tokens) are not bearer tokens: left to their views.
    if credentials is None or credentials.type != "bearer":
        return None
    if not credentials.token:
        unauthorized("Bearer", _("Send a token as Authorization: Bearer <token>."))
    user = User.check_token(credentials.token)
    if user is None:
        unauthorized("Bearer", _("The token is invalid or has expired."), error="invalid_token")
    return user


def current_api_user() -> User | None:
    """The user behind the bearer token, if the request carries one (401 if it is not valid)."""
    if "api_user" not in g:
        g.api_user = bearer_user()
        if g.api_user is not None and g.api_user.seen_now():
            db.session.commit()
    return g.api_user


def token_user() -> User:
    """The token's user, in a view behind token_required."""
    user = current_api_user()
    if user is None:
        raise RuntimeError("token_user() is for views behind token_required")
    return user


def token_required(view: Callable) -> Callable:
    """Refuse the request with 401 unless it carries a valid bearer token."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_api_user() is None:
            unauthorized("Bearer", _("This needs a token: POST /api/tokens to get one."))
        return view(*args, **kwargs)

    return wrapped


@bp.before_request
def identify_caller() -> None:
    """Check any bearer token first, so a bad one gets a 401 before anything else happens."""
    current_api_user()
