"""The server's side of WebAuthn, through py_webauthn: options for the browser, a challenge
kept in the session (single-use, short-lived), and the verification of what comes back.

Every failure is a PasskeyError carrying a message for the reader: the routes answer it as a
400, and the second factor of a password login can use `authentication_options(user)` and
`authenticate(data, user)` the same way.
"""

import json
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, session
from flask_babel import _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.extensions import db
from app.models import Passkey, User
from app.models.passkey import MAX_CREDENTIAL_ID_LENGTH, MAX_NAME_LENGTH
from app.security import canonical_url_for

SESSION_KEY = "passkey_challenge"
# Long enough to find a security key and touch it; the browser gives up at the same time.
CHALLENGE_SECONDS = 300
# What py_webauthn and the CBOR and base64 decoding under it raise on a malformed credential.
MALFORMED = (WebAuthnException, ValueError, TypeError, KeyError, IndexError)

REGISTER, LOGIN, SECOND_FACTOR = "register", "login", "second-factor"
# A signed-in user proving it's them again: verified by PIN or biometrics, so it stands for
# both factors, as a passkey sign-in does.
REAUTHENTICATE = "reauthenticate"


class PasskeyError(Exception):
    """A passkey ceremony that failed; str() is the reason, for the reader."""


def relying_party() -> tuple[str, str]:
    """(RP id, origin): the canonical origin's host and origin (SERVER_NAME with
    PREFERRED_URL_SCHEME; the request's host in a debug or testing app without it)."""
    parts = urlsplit(canonical_url_for("main.index"))
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    host = parts.hostname or ""
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    return host, f"{parts.scheme}://{netloc}"


def user_handle(user: User) -> bytes:
    """The handle the authenticator keeps with a discoverable credential: the user's id."""
    return str(user.id).encode()


def descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    known = {transport.value for transport in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=passkey.credential_id,
            transports=[AuthenticatorTransport(t) for t in passkey.transports if t in known],
        )
        for passkey in passkeys
    ]


def new_challenge(purpose: str, user: User | None = None) -> bytes:
    """A random challenge for one ceremony, replacing any other this session had."""
    challenge = secrets.token_bytes(32)
    session[SESSION_KEY] = {
        "purpose": purpose,
        "challenge": challenge.hex(),
        "expires_at": int(time.time()) + CHALLENGE_SECONDS,
        "user_id": user.id if user else None,
    }
    return challenge


def take_challenge(purpose: str, user: User | None = None) -> bytes:
    """The session's challenge for this ceremony, removed: each one is good for one answer."""
    pending = session.pop(SESSION_KEY, None)
    if not isinstance(pending, dict) or pending.get("purpose") != purpose:
        raise PasskeyError(_("This passkey request is unknown or was already used: try again."))
    if pending.get("user_id") != (user.id if user else None):
        raise PasskeyError(_("This passkey request is unknown or was already used: try again."))
    if not isinstance(pending.get("expires_at"), int) or time.time() > pending["expires_at"]:
        raise PasskeyError(_("This passkey request has expired: try again."))
    return bytes.fromhex(pending["challenge"])


def registration_options(user: User) -> str:
    """Options (JSON) for navigator.credentials.create(): a discoverable credential, so the
    passkey alone can sign in, never a second one on an authenticator that has one."""
    rp_id, _origin = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name="Microblog",
        user_id=user_handle(user),
        user_name=user.username,
        user_display_name=user.username,
        challenge=new_challenge(REGISTER, user),
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=descriptors(Passkey.of(user)),
    )
    return options_to_json(options)


def clean_name(name: Any) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise PasskeyError(_("Give the passkey a name."))
    if len(name) > MAX_NAME_LENGTH:
        raise PasskeyError(
            _("The name is too long (at most %(count)d characters).", count=MAX_NAME_LENGTH)
        )
    return name


def register(user: User, data: Any, name: Any) -> Passkey:
    """Check the browser's answer to registration_options() and add the passkey to the
    user's (caller commits)."""
    name = clean_name(name)
    expected_challenge = take_challenge(REGISTER, user)
    rp_id, origin = relying_party()
    try:
        credential = parse_registration_credential_json(data)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=expected_challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except MALFORMED as error:
        current_app.logger.info("passkey registration refused: %s", error)
        raise PasskeyError(_("The passkey could not be verified.")) from error
    if len(verified.credential_id) > MAX_CREDENTIAL_ID_LENGTH:
        raise PasskeyError(_("The passkey could not be verified."))
    if Passkey.by_credential_id(verified.credential_id) is not None:
        raise PasskeyError(_("This passkey is already registered."))
    passkey = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t.value for t in credential.response.transports or []],
        name=name,
    )
    db.session.add(passkey)
    return passkey


def default_purpose(user: User | None) -> str:
    return SECOND_FACTOR if user else LOGIN


def authentication_options(user: User | None = None, purpose: str | None = None) -> str:
    """Options (JSON) for navigator.credentials.get(). Without a user: any passkey of this
    site the authenticator holds (no username typed), verified by PIN or biometrics. With a
    user, whose password was just checked: one of theirs, as a second factor; or, for
    REAUTHENTICATE, one of theirs verified by PIN or biometrics."""
    purpose = purpose or default_purpose(user)
    rp_id, _origin = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id,
        challenge=new_challenge(purpose, user),
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=descriptors(Passkey.of(user)) if user else [],
        user_verification=(
            UserVerificationRequirement.DISCOURAGED
            if purpose == SECOND_FACTOR
            else UserVerificationRequirement.REQUIRED
        ),
    )
    return options_to_json(options)


def authenticate(data: Any, user: User | None = None, purpose: str | None = None) -> Passkey:
    """The passkey that signed the browser's answer to authentication_options(user,
    purpose), its use recorded (caller commits). With a user, it must be one of theirs."""
    purpose = purpose or default_purpose(user)
    expected_challenge = take_challenge(purpose, user)
    rp_id, origin = relying_party()
    unknown = PasskeyError(_("This passkey is not registered here."))
    try:
        credential = parse_authentication_credential_json(data)
    except MALFORMED as error:
        raise PasskeyError(_("The passkey could not be verified.")) from error
    passkey = Passkey.by_credential_id(credential.raw_id)
    if passkey is None or (user is not None and passkey.user_id != user.id):
        raise unknown
    handle = credential.response.user_handle
    if handle is not None and handle != user_handle(passkey.user):
        raise unknown
    try:
        # The counter is checked below, once the signature is known to be the key's own.
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=expected_challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=0,
            require_user_verification=purpose != SECOND_FACTOR,
        )
    except MALFORMED as error:
        current_app.logger.info("passkey sign-in refused: %s", error)
        raise PasskeyError(_("The passkey could not be verified.")) from error
    count = verified.new_sign_count
    if (count > 0 or passkey.sign_count > 0) and count <= passkey.sign_count:
        current_app.logger.warning(
            "passkey %s of user %s: counter %s after %s, a copied authenticator?",
            passkey.id,
            passkey.user_id,
            count,
            passkey.sign_count,
        )
        raise PasskeyError(
            _("This passkey's counter went backwards: it may have been copied, so it was refused.")
        )
    passkey.record_use(count)
    return passkey


def parse_body(body: bytes) -> dict:
    """A request's JSON object, or a PasskeyError."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise PasskeyError(_("The request is not valid JSON.")) from error
    if not isinstance(data, dict):
        raise PasskeyError(_("The request is not valid JSON."))
    return data
