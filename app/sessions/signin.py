"""A sign-in's record, and the email when it comes from a new device.

A device is a browser holding our long-lived random device cookie: a laptop that changes
networks is not new, another browser on the same network is (an address or a User-Agent
alone would be wrong both ways).
"""

import secrets

from flask import Response, after_this_request, current_app, request

from app.models import User
from app.models.login_session import LoginSession, device_digest
from app.sessions.devices import describe_user_agent, hide_address

DEVICE_COOKIE = "device"
DEVICE_COOKIE_DAYS = 730


def start_session(user: User) -> tuple[LoginSession, bool]:
    """A new record for this request's sign-in of `user`, and whether its device is new to
    them (the caller commits)."""
    device_key = request.cookies.get(DEVICE_COOKIE, "")
    if not 20 <= len(device_key) <= 64:
        device_key = secrets.token_urlsafe(32)
        after_this_request(_set_device_cookie(device_key))
    device_hash = device_digest(device_key)
    new_device = LoginSession.is_new_device(user, device_hash)
    browser, system = describe_user_agent(request.headers.get("User-Agent", ""))
    record = LoginSession.start(
        user,
        browser=browser,
        os=system,
        address=hide_address(request.remote_addr),
        device_hash=device_hash,
    )
    return record, new_device


def _set_device_cookie(device_key: str):
    def set_cookie(response: Response) -> Response:
        config = current_app.config
        response.set_cookie(
            DEVICE_COOKIE,
            device_key,
            max_age=DEVICE_COOKIE_DAYS * 86400,
            httponly=True,
            samesite="Lax",
            secure=config["SESSION_COOKIE_SECURE"] or request.is_secure,
        )
        return response

    return set_cookie
