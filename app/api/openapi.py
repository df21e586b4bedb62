"""The OpenAPI 3 description of the API, served at /api/openapi.json.

tests/api/test_schema.py checks every response of the running API against it.
"""

from app.api.blueprint import bp
from app.api.operations import (
    BLOCK_NOTES,
    ID,
    LOCATION,
    OTP,
    PAGED,
    TAG,
    error,
    json_content,
    operation,
)
from app.api.schemas import SCHEMAS, ref

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
                " confirmed, and for a reply to a hidden post or across a block either way):"
                " JSON, or multipart/form-data with up to four images, each with its alt text.",
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
    "/api/posts/{id}/replies": {
        "get": operation(
            "The replies to the post, oldest first (less hidden ones, and those of authors "
            "the reader blocks or mutes); each has its own.",
            (200, "PostCollection"),
            (400, 401, 404),
            parameters=(ID, *PAGED),
        )
    },
    "/api/posts/{id}/like": {
        "post": operation(
            "Like a post (again: no change; 403 for a hidden post, or across a block either way);"
            " the post with its counts.",
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
            "Boost a post into your followers' timelines (again: no change; 403 for a hidden"
            " post, or across a block either way).",
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
            "The posts carrying a #tag, newest first (less hidden ones).",
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
            "Report this post to the admins (403 for a post already hidden).",
            (201, "Report"),
            (400, 401, 403, 404, 415, 429),
            body="NewReport",
            parameters=(ID,),
        )
    },  # fmt: skip
    "/api/timeline": {
        "get": operation(
            "Your posts and those of the people you follow, newest first, and the posts you"
            " or they boosted, each once at its newest boost, with boosted_by.",
            (200, "Timeline"),
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
