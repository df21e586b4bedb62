"""The OpenAPI 3 description of the API, served at /api/openapi.json.

tests/api/test_schema.py checks every response of the running API against it.
"""

from typing import Any

from app.api.blueprint import MAX_ID, bp
from app.api.inputs import MAX_PER_PAGE
from app.api.posts import MAX_BODY
from app.pagination import MAX_PAGE


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict:
    """A JSON object with exactly these properties, all required unless named optional."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": "string", "nullable": True}
LINK = {"type": "string", "description": "A path on this server, or an absolute URL."}
NULLABLE_LINK = {**LINK, "nullable": True}
INTEGER = {"type": "integer"}
OBJECT = {"type": "object"}
COUNT = {"type": "integer", "minimum": 0}
MOMENT = {"type": "string", "format": "date-time"}

USERNAME = (
    "Letters, digits, '_', '.' and '-', at least 3 characters wide (Chinese, Japanese and Korean"
    " characters count twice), in one script or Latin with Chinese, Japanese or Korean, and"
    " not like another user's."
)

SCHEMAS = {
    "Error": obj(
        {
            "error": {**STRING, "description": "The HTTP status name."},
            "message": STRING,
            "fields": {
                "type": "object",
                "description": "For invalid input: the messages for each field.",
                "additionalProperties": {"type": "array", "items": STRING},
            },
        },
        optional=("fields",),
    ),
    "User": obj(
        {
            "id": INTEGER,
            "username": STRING,
            "about_me": NULLABLE_STRING,
            "created_at": MOMENT,
            "last_seen": MOMENT,
            "post_count": COUNT,
            "follower_count": COUNT,
            "following_count": COUNT,
            "email": {**STRING, "description": "Only in the user's own representation."},
            "_links": obj(
                {"self": LINK, "followers": LINK, "following": LINK, "posts": LINK, "avatar": LINK}
            ),
        },
        optional=("email",),
    ),
    "Post": obj(
        {
            "id": INTEGER,
            "body": STRING,
            "timestamp": MOMENT,
            "language": {**NULLABLE_STRING, "description": "Detected language code, if any."},
            "author": obj({"id": INTEGER, "username": STRING, "_links": obj({"self": LINK})}),
            "_links": obj({"self": LINK}),
        }
    ),
    "PageMeta": obj({"page": INTEGER, "per_page": INTEGER, "has_next": {"type": "boolean"}}),
    "PageLinks": obj({"self": LINK, "next": NULLABLE_LINK, "prev": NULLABLE_LINK}),
    "UserCollection": obj(
        {
            "items": {"type": "array", "items": ref("User")},
            "_meta": ref("PageMeta"),
            "_links": ref("PageLinks"),
        }
    ),
    "PostCollection": obj(
        {
            "items": {"type": "array", "items": ref("Post")},
            "_meta": ref("PageMeta"),
            "_links": ref("PageLinks"),
        }
    ),
    "Token": obj({"token": STRING, "expires_at": MOMENT}),
    "Accepted": obj({"message": STRING}),
    "NewUser": {
        "type": "object",
        "properties": {
            "username": {**STRING, "minLength": 2, "maxLength": 64, "description": USERNAME},
            "email": {**STRING, "format": "email", "maxLength": 120},
            "password": {
                **STRING,
                "minLength": 8,
                "maxLength": 256,
                "description": "Not the username or email, nor one of the 100,000 most common"
                " passwords, nor easy to guess (zxcvbn score 2 or more).",
            },
        },
        "required": ["username", "email", "password"],
    },
    "UserChanges": {
        "type": "object",
        "properties": {
            "username": {**STRING, "minLength": 2, "maxLength": 64, "description": USERNAME},
            "about_me": {**NULLABLE_STRING, "maxLength": 140},
        },
    },
    "NewPost": {
        "type": "object",
        "properties": {"body": {**STRING, "minLength": 1, "maxLength": MAX_BODY}},
        "required": ["body"],
    },
}

ERROR_DESCRIPTIONS = {
    400: "Invalid input: malformed JSON, wrong types, invalid fields or paging parameters.",
    401: "Missing, invalid, expired or revoked credentials.",
    403: "Not allowed for this user.",
    404: "No such resource.",
    409: "The username is already in use.",
    415: "The body is not JSON.",
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
    security: str | None = None,
    body: str | None = None,
    parameters: tuple[dict, ...] = (),
    headers: dict | None = None,
) -> dict:
    """One operation; `security` is "basic", "bearer", or None for an optional bearer token."""
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

PATHS = {
    "/api/openapi.json": {
        "get": {
            **operation("This description.", (200, None), (401,)),
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
            "Get a bearer token for a username or email and password.",
            (201, "Token"),
            (401, 429),
            security="basic",
        ),
        "delete": operation(
            "Revoke the bearer token of this request.", (204, None), (401,), security="bearer"
        ),
    },
    "/api/users": {
        "get": operation("List users.", (200, "UserCollection"), (400, 401), parameters=PAGED),
        "post": operation(
            "Sign up. The same answer whether the address is new (the account is created and"
            " welcomed by email) or has an account (whose owner gets an email saying so), so"
            " the answer tells nobody who has an account.",
            (202, "Accepted"),
            (400, 401, 409, 415, 429),
            body="NewUser",
        ),
    },
    "/api/users/{id}": {
        "get": operation("A user.", (200, "User"), (401, 404), parameters=(ID,)),
        "put": operation(
            "Change your own username or about me.",
            (200, "User"),
            (400, 401, 403, 404, 409, 415),
            security="bearer",
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
        "post": operation(
            "Write a post.",
            (201, "Post"),
            (400, 401, 415),
            security="bearer",
            body="NewPost",
            headers=LOCATION,
        ),
    },
    "/api/posts/{id}": {
        "get": operation("A post.", (200, "Post"), (401, 404), parameters=(ID,)),
    },
    "/api/timeline": {
        "get": operation(
            "Your posts and those of the people you follow, newest first.",
            (200, "PostCollection"),
            (400, 401),
            security="bearer",
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
        "bearer token. Reading is open to anyone; writing needs a token.",
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
