"""How many two-factor codes may be tried: per client address and per account, whether at
login, while turning it on, or with an API token request (app/rate_limits.py)."""

from flask import request

from app.auth.second_factor import pending_account
from app.rate_limits import current_account, login_account, rate_limits

OTP_HEADER = "X-OTP"


def code_account() -> str:
    """The account whose code is tried: a pending login's, the signed-in user's, or that of
    an API token request carrying a code."""
    if request.blueprint == "api":
        return login_account() if OTP_HEADER in request.headers else ""
    return pending_account() or current_account()


code_limits = rate_limits(
    "two-factor", "TWO_FACTOR_RATE_LIMIT", "TWO_FACTOR_ACCOUNT_RATE_LIMIT", code_account
)
