"""Rate limits: where the counters live, and the limits the password and account forms share.

Every view that checks a password (web login, API token, change password) draws from one
limit per client address and one per target account; registration (web and API) and reset
requests have limits of their own, also per address and per account. Web and API views of
the same kind share their counters, so neither adds guesses to the other.
"""

from collections.abc import Callable
from functools import partial
from pathlib import Path

from flask import Flask, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy.exc import OperationalError, ProgrammingError

from app import limit_storage  # noqa: F401  registers the sqlite:/// storage scheme
from app.extensions import db, limiter
from app.models import User, normalize_email, normalize_username

# Raised inside a key function, Flask-Limiter would take a database outage for its storage's
# and count in each worker's memory from then on.
DATABASE_ERRORS = (OperationalError, ProgrammingError)


def default_storage_uri(app: Flask) -> str:
    """A SQLite file in the instance folder: shared by every worker without Redis."""
    return f"sqlite:///{Path(app.instance_path) / 'rate-limits.db'}"


def init_app(app: Flask) -> None:
    """limiter.init_app, on the default file unless a storage (or REDIS_URL) is set."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = default_storage_uri(app)
    limiter.init_app(app)


def client_address() -> str:
    return f"address:{get_remote_address()}"


def submitted(field: str) -> str:
    """A text field of the posted form or JSON object, or ''."""
    if request.is_json:
        body = request.get_json(silent=True)
        value = body.get(field) if isinstance(body, dict) else None
    else:
        value = request.form.get(field)
    return value if isinstance(value, str) else ""


def login_account() -> str:
    """The account a login or token request names (username or email, as login resolves it)."""
    if "login_account" not in g:
        g.login_account = _login_account()
    return g.login_account


def _login_account() -> str:
    credentials = request.authorization
    if credentials is not None and credentials.type == "basic":
        name = credentials.username or ""
    else:
        name = submitted("username")
    if not name.strip():
        return ""
    # One account, one counter, whether it is named by its username or its email.
    try:
        user = db.session.scalar(User.by_login(name))
    except DATABASE_ERRORS:
        # The view answers 503; meanwhile the name keys the count.
        db.session.rollback()
        user = None
    return f"user:{user.id}" if user is not None else f"name:{normalize_username(name)}"


def current_account() -> str:
    """The logged-in user, whose current password the change-password form checks."""
    try:
        authenticated = current_user.is_authenticated
    except DATABASE_ERRORS:
        # The view answers 503 (login_required loads the user again).
        db.session.rollback()
        return ""
    return f"user:{current_user.id}" if authenticated else ""


def api_account() -> str:
    """The user of the request's API token (token_required has checked it)."""
    user = g.get("api_user")
    return f"user:{user.id}" if user is not None else ""


def new_username() -> str:
    name = submitted("username")
    return f"name:{normalize_username(name)}" if name.strip() else ""


def new_email() -> str:
    email = submitted("email")
    return f"email:{normalize_email(email)}" if email.strip() else ""


def setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def lacks_account(account: Callable[[], str]) -> bool:
    # No account named, no password checked: nothing to count.
    return not account()


def rate_limits(
    scope: str,
    address_limit: str,
    account_limit: str,
    *accounts: Callable[[], str],
    methods: list[str] | None = None,
):
    """Limit requests (POSTs) per client address and per account named by each of `accounts`.

    The counters belong to `scope`, not to the view: views of one scope share them.
    The limits are the settings named `address_limit` and `account_limit`.
    """

    methods = methods or ["POST"]

    def decorate(view: Callable) -> Callable:
        # Flask-Limiter checks limits in the order they are applied, and stops at the first
        # refusal: checked first, the address limit spends no account's count when it refuses.
        view = limiter.shared_limit(
            setting(address_limit), f"{scope}-address", key_func=client_address, methods=methods
        )(view)
        for account in accounts:
            view = limiter.shared_limit(
                setting(account_limit),
                scope=f"{scope}-account",
                key_func=account,
                exempt_when=partial(lacks_account, account),
                methods=methods,
            )(view)
        return view

    return decorate


PASSWORD_CHECKS = ("login", "LOGIN_RATE_LIMIT", "LOGIN_ACCOUNT_RATE_LIMIT")
password_limits = rate_limits(*PASSWORD_CHECKS, login_account)
change_password_limits = rate_limits(*PASSWORD_CHECKS, current_account)
register_limits = rate_limits(
    "register", "REGISTER_RATE_LIMIT", "REGISTER_RATE_LIMIT", new_username, new_email
)
# Changing an email address through the API says whether another account has it: counted
# with sign-ups, which can tell the same.
profile_change_limits = rate_limits(
    "register", "REGISTER_RATE_LIMIT", "REGISTER_RATE_LIMIT", api_account, methods=["PUT"]
)
reset_limits = rate_limits("reset", "RESET_RATE_LIMIT", "RESET_RATE_LIMIT", new_email)
# Resending the confirmation email, counted like reset emails.
confirm_limits = rate_limits("confirm", "RESET_RATE_LIMIT", "RESET_RATE_LIMIT", current_account)
report_limits = rate_limits(
    "report", "REPORT_RATE_LIMIT", "REPORT_RATE_LIMIT", current_account, api_account
)
# Deliveries from other servers, per sending address: one server's flood waits alone. Counted
# before the signature is checked, so that unsigned floods are cut short too.
inbox_limits = rate_limits("inbox", "INBOX_RATE_LIMIT", "INBOX_RATE_LIMIT")


def sending_host() -> str:
    return f"host:{g.get('sending_host', '')}"


# One limit object for every request: the host is read from g, never built into the limit,
# which Flask-Limiter keeps between requests and threads. Each is entered at a line of its
# own: Flask-Limiter files a limit used as a context manager under the line entering it.
_inbox_host_limit = limiter.shared_limit(
    setting("INBOX_HOST_RATE_LIMIT"), "inbox-host", key_func=sending_host
)
_fetch_host_limit = limiter.shared_limit(
    setting("FETCH_HOST_RATE_LIMIT"), "fetch-host", key_func=sending_host
)


def count_inbox_host(host: str) -> None:
    """Count a delivery whose signature verified against the server `host` it came from,
    whatever its address: RateLimitExceeded (429) past INBOX_HOST_RATE_LIMIT. Keyed by the
    verified signer, a stranger cannot spend another server's allowance."""
    g.sending_host = host
    with _inbox_host_limit:  # counted, and refused past the limit, on entering
        pass


def count_fetch_host(host: str) -> None:
    """Count a signed GET of our documents (authorized fetch) whose signature verified
    against the server `host`, as count_inbox_host counts deliveries: RateLimitExceeded (429)
    past FETCH_HOST_RATE_LIMIT."""
    g.sending_host = host
    with _fetch_host_limit:
        pass
