"""A local inbox that takes only correctly signed deliveries, as a remote server would."""

import json
from datetime import UTC, datetime

from app.federation.signatures import SignatureError, verify_request
from tests.federation.servers import Received, Reply


class SignedInbox:
    """answer() for http_server: 202 to a delivery whose signature verifies, 401 otherwise."""

    def __init__(self, public_keys: dict[str, str]) -> None:
        self.public_keys = public_keys
        self.delivered: list[tuple[str, str, dict]] = []  # (path, key id, activity)
        self.refused: list[str] = []

    def __call__(self, request: Received) -> Reply:
        try:
            key_id = verify_request(
                request.method,
                request.path,
                request.headers,
                request.body,
                self.public_keys.get,
                datetime.now(UTC),
            )
        except SignatureError as error:
            self.refused.append(str(error))
            return Reply(401, b"bad signature")
        self.delivered.append((request.path, key_id, json.loads(request.body)))
        return Reply(202)
