"""The OpenAPI 3 description of the API, served at /api/openapi.json.

tests/api/test_schema.py checks every response of the running API against it.
"""

from typing import Any

from app.api.blueprint import MAX_ID, bp
from app.api.inputs import MAX_PER_PAGE
from app.api.schemas import SCHEMAS, STRING, ref
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

PATHS = {
    "/api/openapi.json": {
        "get": {
            **operation("This description.", (200, None), (401,), security=None),
            "responses": {
                "200": {
                    "description": "This description.",
                    "content": json_content({"type": "object"}),
                },
                "401": error(401),
            },
        }
    },
    "/api/tokens": {
        "post": operation(
            "Get a bearer token for a username or email and password. With two-factor"
            " authentication on, the X-OTP header must carry the authenticator app's current"
            " code (each code gets one token; recovery codes are for the website only):"
            " without it, a 401 says so.",
            (201, "Token"),
            (401, 429),
            security="basic",
            parameters=(OTP,),
        ),
        "delete": operation("Revoke the bearer token of this request.", (204, None), (401,)),
    },
    "/api/users": {
        "get": operation("List users.", (200, "UserCollection"), (400, 401), parameters=PAGED),
        "post": operation(
            "Sign up. The same answer whether the address is new (the account is created and"
            " welcomed by email) or has an account (whose owner gets an email saying so), so"
            " the answer tells nobody who has an account.",
            (202, "Accepted"),
            (400, 401, 409, 415, 429),
            security=None,
            body="NewUser",
        ),
    },
    "/api/users/{id}": {
        "get": operation("A user.", (200, "User"), (401, 404), parameters=(ID,)),
        "put": operation(
            "Change your own username or about me. A field that cannot be changed is a 400"
            " naming the field; so is a new email address, which is changed on the site's"
            " account settings page (/account/email), by a link sent to it.",
            (200, "User"),
            (400, 401, 403, 404, 409, 415),
            body="UserChanges",
            parameters=(ID,),
        ),
    },
    "/api/users/{id}/followers": {
        "get": operation(
            "The user's followers.",
            (200, "UserCollection"),
            (400, 401, 404),
            parameters=(ID, *PAGED),
        )
    },
    "/api/users/{id}/following": {
        "get": operation(
            "The users this user follows.",
            (200, "UserCollection"),
            (400, 401, 404),
            parameters=(ID, *PAGED),
        )
    },
    "/api/users/{id}/posts": {
        "get": operation(
            "The user's posts, newest first.",
            (200, "PostCollection"),
            (400, 401, 404),
            parameters=(ID, *PAGED),
        )
    },
    "/api/posts": {
        "get": operation(
            "Everyone's posts, newest first.", (200, "PostCollection"), (400, 401), parameters=PAGED
        ),
        "post": {
            **operation(
                "Write a post, or a reply with in_reply_to (403 until your email address is"
                " confirmed): JSON, or multipart/form-data with up to four images, each with"
                " its alt text.",
                (201, "Post"),
                (400, 401, 403, 413, 415),
                headers=LOCATION,
            ),
            "requestBody": {
                "required": True,
                "content": {
                    **json_content(ref("NewPost")),
                    "multipart/form-data": {
                        "schema": ref("NewPostWithImages"),
                        "encoding": {"image": {"contentType": "image/*"}},
                    },
                },
            },
        },
    },
    "/api/posts/{id}": {
        "get": operation("A post.", (200, "Post"), (401, 404), parameters=(ID,)),
        "put": operation(
            "Change the text of your post (403 for another's, or until your email address is"
            " confirmed).",
            (200, "Post"),
            (400, 401, 403, 404, 415),
            body="PostChanges",
            parameters=(ID,),
        ),
        "delete": operation(
            "Delete your post; its replies stay (403 for another's).",
            (204, None),
            (401, 403, 404),
            parameters=(ID,),
        ),
    },
    "/api/posts/{id}/like": {
        "post": operation(
            "Like a post (again: no change); the post with its counts.",
            (200, "Post"),
            (401, 403, 404),
            parameters=(ID,),
        ),
        "delete": operation(
            "Take back your like (none: no change).",
            (200, "Post"),
            (401, 403, 404),
            parameters=(ID,),
        ),
    },
    "/api/posts/{id}/boost": {
        "post": operation(
            "Boost a post into your followers' timelines (again: no change).",
            (200, "Post"),
            (401, 403, 404),
            parameters=(ID,),
        ),
        "delete": operation(
            "Take back your boost (none: no change).",
            (200, "Post"),
            (401, 403, 404),
            parameters=(ID,),
        ),
    },
    "/api/posts/{id}/likes": {
        "get": operation(
            "Who liked the post, newest like first.",
            (200, "UserCollection"),
            (400, 401, 404),
            parameters=(ID, *PAGED),
        )
    },
    "/api/tags/{name}/posts": {
        "get": operation(
            "The posts carrying a #tag, newest first.",
            (200, "PostCollection"),
            (400, 401, 404),
            parameters=(TAG, *PAGED),
        )
    },
    "/api/alerts": {
        "get": operation(
            "Your notifications (who mentioned you), newest first; reading them here does not"
            " mark them read.",
            (200, "AlertCollection"),
            (400, 401),
            parameters=PAGED,
        )
    },
    # Moderation: blocks, mutes and reports (app/api/moderation.py).
    **{
        f"/api/users/{{id}}/{kind}": {
            "post": operation(
                f"{kind.capitalize()} this user{BLOCK_NOTES[kind]}",
                (204, None),
                (400, 401, 404),
                parameters=(ID,),
            ),
            "delete": operation(
                f"Un{kind} this user.", (204, None), (400, 401, 404), parameters=(ID,)
            ),
        }
        for kind in ("block", "mute")
    },
    "/api/users/{id}/report": {
        "post": operation(
            "Report this user to the admins.",
            (201, "Report"),
            (400, 401, 404, 415, 429),
            body="NewReport",
            parameters=(ID,),
        )
    },
    "/api/posts/{id}/report": {
        "post": operation(
            "Report this post to the admins.",
            (201, "Report"),
            (400, 401, 404, 415, 429),
            body="NewReport",
            parameters=(ID,),
        )
    },  # fmt: skip
    "/api/timeline": {
        "get": operation(
            "Your posts and those of the people you follow, newest first.",
            (200, "PostCollection"),
            (400, 401),
            parameters=PAGED,
        )
    },
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "microblog API",
        "version": "1.0",
        "description": "Get a token with POST /api/tokens (HTTP Basic), then send it as a "
        "bearer token: everything but signing up and this description needs one. Errors are "
        '{"error", "message"} objects, here and on any URL of the site whose client prefers '
        "JSON to HTML (Accept).",
    },
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "basic": {"type": "http", "scheme": "basic"},
            "bearer": {"type": "http", "scheme": "bearer"},
        },
    },
}


@bp.get("/openapi.json")
def openapi_document():
    """This API's OpenAPI description."""
    return DOCUMENT
