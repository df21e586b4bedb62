"""A software authenticator: what a browser and a security key send, built with the
`cryptography` package, so the server's real WebAuthn checks run on real signatures."""

import hashlib
import json
import secrets
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://localhost"
RP_ID = "localhost"
USER_PRESENT, USER_VERIFIED, ATTESTED = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Authenticator:
    """One discoverable credential (a passkey), and the counter it signs with."""

    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    sign_count: int = 0
    user_handle: bytes | None = None

    def cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        x, y = numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: x, -3: y})

    def client_data(self, kind: str, options: dict, origin: str) -> bytes:
        body = {"type": kind, "challenge": options["challenge"], "origin": origin}
        return json.dumps({**body, "crossOrigin": False}).encode()

    def create(self, options: dict, origin: str = ORIGIN, rp_id: str = RP_ID) -> dict:
        """navigator.credentials.create() answered, as the browser sends it in JSON."""
        self.user_handle = unb64url(options["user"]["id"])
        attested = (
            bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id
        ) + self.cose_key()
        flags = USER_PRESENT | USER_VERIFIED | ATTESTED
        auth_data = self.auth_data(rp_id, flags) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(self.client_data("webauthn.create", options, origin)),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    def auth_data(self, rp_id: str, flags: int) -> bytes:
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count)

    def get(
        self, options: dict, origin: str = ORIGIN, rp_id: str = RP_ID, verified: bool = True
    ) -> dict:
        """navigator.credentials.get() answered: the counter goes up, the key signs (without
        `verified`, as a security key with no PIN asked: user present, not verified)."""
        self.sign_count += 1
        client_data = self.client_data("webauthn.get", options, origin)
        flags = USER_PRESENT | (USER_VERIFIED if verified else 0)
        auth_data = self.auth_data(rp_id, flags)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(self.user_handle) if self.user_handle else None,
            },
        }
