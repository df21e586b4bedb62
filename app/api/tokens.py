"""Tokens: trade a username and password for a bearer token, and revoke it."""

from flask import current_app, request

from app.api.auth import basic_auth_user, second_factor, token_required, token_user
from app.api.blueprint import bp
from app.extensions import db
from app.models import ApiToken
from app.models.types import iso
from app.rate_limits import password_limits
from app.twofactor.limits import code_limits


@bp.post("/tokens")
@password_limits
@code_limits
def create_token():
    """Get a bearer token with HTTP Basic credentials (and X-OTP, with two-factor on)."""
    user = basic_auth_user()
    second_factor(user)
    token = user.get_token(expires_in=current_app.config["API_TOKEN_TTL"])
    # The new record, taken before the commit: with a short lifetime, find() may already refuse it.
    record = next(item for item in db.session.new if isinstance(item, ApiToken))
    db.session.commit()
    return {"token": token, "expires_at": iso(record.expires_at)}, 201


@bp.delete("/tokens")
@token_required
def revoke_token():
    """Revoke the bearer token of this request."""
    # Only this one: the user's other clients keep theirs.
    token_user().revoke_token(request.authorization.token)
    db.session.commit()
    return "", 204
