"""The pieces the OpenAPI description (app/api/openapi.py) is built from: an operation's
responses, JSON bodies, and the parameters many paths share."""

from typing import Any

from app.api.blueprint import MAX_ID
from app.api.inputs import MAX_PER_PAGE
from app.api.schemas import STRING, ref
from app.pagination import MAX_PAGE

ERROR_DESCRIPTIONS = {
    400: "Invalid input: malformed JSON, wrong types, invalid fields or paging parameters.",
    401: "Missing, invalid, expired or revoked credentials.",
    403: "Not allowed for this user.",
    404: "No such resource.",
    409: "The username or email address was taken meanwhile.",
    413: "The body is larger than the limit (for a post: four images and its text).",
    415: "The body is not JSON (or, for a new post, multipart/form-data).",
    429: "Too many attempts from this address; try again later.",
    503: "The database is unavailable.",
}
CHALLENGE = {"WWW-Authenticate": {"schema": STRING, "description": "The scheme to use."}}
LOCATION = {"Location": {"schema": STRING, "description": "The new resource."}}


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def error(status: int) -> dict:
    response = {"description": ERROR_DESCRIPTIONS[status], "content": json_content(ref("Error"))}
    if status == 401:
        response["headers"] = CHALLENGE
    return response


def operation(
    summary: str,
    ok: tuple[int, str | None],
    errors: tuple[int, ...],
    security: str | None = "bearer",
    body: str | None = None,
    parameters: tuple[dict, ...] = (),
    headers: dict | None = None,
) -> dict:
    """One operation; `security` is "basic", "bearer" (the default), or None for none needed
    (an invalid bearer token is refused anyway)."""
    status, schema = ok
    success: dict[str, Any] = {"description": summary}
    if schema is not None:
        success["content"] = json_content(ref(schema))
    if headers:
        success["headers"] = headers
    result: dict[str, Any] = {
        "summary": summary,
        "security": [{security: []}] if security else [{}, {"bearer": []}],
        "responses": {str(status): success} | {str(code): error(code) for code in (*errors, 503)},
    }
    if parameters:
        result["parameters"] = list(parameters)
    if body:
        result["requestBody"] = {"required": True, "content": json_content(ref(body))}
    return result


ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}
PAGE = {
    "name": "page",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
}
PER_PAGE = {
    "name": "per_page",
    "in": "query",
    "description": f"Items per page; more than {MAX_PER_PAGE} counts as {MAX_PER_PAGE}.",
    "schema": {"type": "integer", "minimum": 1},
}
PAGED = (PAGE, PER_PAGE)
TAG = {
    "name": "name",
    "in": "path",
    "required": True,
    "description": "The tag without its #, in any case.",
    "schema": {"type": "string"},
}
OTP = {
    "name": "X-OTP",
    "in": "header",
    "required": False,
    "description": "The six-digit code of the account's authenticator app (two-factor"
    " authentication); ignored for accounts without it.",
    "schema": {"type": "string"},
}

BLOCK_NOTES = {
    "block": ": it ends follows both ways; they cannot follow or message you, and their posts"
    " leave your lists.",
    "mute": ": their posts leave your timeline and everyone's posts.",
}
