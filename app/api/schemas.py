"""The schemas of the OpenAPI description (app/api/openapi.py): what each body holds."""

from typing import Any

from app.api.posts import MAX_BODY
from app.models.post_image import ALT_MAX, MAX_IMAGES
from app.models.report import DETAILS_MAX, REASONS


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

# A post's properties; a timeline's post (TimelinePost) has them and boosted_by.
POST = {
    "id": INTEGER,
    "body": STRING,
    "timestamp": MOMENT,
    "language": {**NULLABLE_STRING, "description": "Detected language code, if any."},
    "in_reply_to": {
        **INTEGER,
        "nullable": True,
        "description": "The id of the post this one answers; null once that is deleted.",
    },
    "is_reply": {
        "type": "boolean",
        "description": "True for a reply, even once its post is deleted.",
    },
    "edited_at": {**MOMENT, "nullable": True, "description": "The last edit, if any."},
    "like_count": COUNT,
    "boost_count": COUNT,
    "hidden": {
        "type": "boolean",
        "description": "True for a post the moderators hid, or hid with its suspended author:"
        " only its author and the admins see it.",
    },
    "html": {
        **NULLABLE_STRING,
        "description": "The body's Markdown as sanitised HTML; null for a post written"
        " before Markdown, whose body is plain text.",
    },
    "tags": {"type": "array", "items": STRING, "description": "Its #tags, case-folded."},
    "images": {"type": "array", "items": ref("Image"), "maxItems": MAX_IMAGES},
    "author": obj({"id": INTEGER, "username": STRING, "_links": obj({"self": LINK})}),
    "_links": obj({"self": LINK, "likes": LINK, "replies": LINK}),
}

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
    "Post": obj(POST),
    # A timeline's post: a boosted post is there at its boost, once, with the booster.
    "TimelinePost": obj(
        {
            **POST,
            "boosted_by": {
                **NULLABLE_STRING,
                "description": "The username of who boosted it into the timeline; null for a"
                " post there as written.",
            },
        }
    ),
    "Image": obj(
        {
            "alt": {**STRING, "description": "What the image shows, for who cannot see it."},
            "content_type": {"type": "string", "enum": ["image/jpeg", "image/png", "image/webp"]},
            "width": COUNT,
            "height": COUNT,
            "thumbnail_width": COUNT,
            "thumbnail_height": COUNT,
            "_links": obj({"self": LINK, "thumbnail": LINK}),
        }
    ),
    "PageMeta": obj(
        {
            "page": INTEGER,
            "per_page": INTEGER,
            "total_pages": COUNT,
            "total_items": COUNT,
            "has_next": {"type": "boolean"},
        }
    ),
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
    "Timeline": obj(
        {
            "items": {"type": "array", "items": ref("TimelinePost")},
            "_meta": ref("PageMeta"),
            "_links": ref("PageLinks"),
        }
    ),
    "Alert": obj(
        {
            "id": INTEGER,
            "kind": {**STRING, "description": "What happened: mention."},
            "timestamp": MOMENT,
            "unread": {"type": "boolean"},
            "actor": obj({"id": INTEGER, "username": STRING, "_links": obj({"self": LINK})}),
            "post_id": {**INTEGER, "nullable": True},
            "_links": obj({"post": NULLABLE_LINK}),
        }
    ),
    "AlertCollection": obj(
        {
            "items": {"type": "array", "items": ref("Alert")},
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
            "email": {
                **STRING,
                "format": "email",
                "maxLength": 120,
                "description": "Not the address of another account.",
            },
            "about_me": {**NULLABLE_STRING, "maxLength": 140},
        },
        "additionalProperties": False,
    },
    "Report": obj(
        {
            "id": INTEGER,
            "reason": {**STRING, "enum": list(REASONS)},
            "details": STRING,
            "created_at": MOMENT,
            "user": LINK,
            "post": NULLABLE_LINK,
        }
    ),
    "NewReport": {
        "type": "object",
        "properties": {
            "reason": {**STRING, "enum": list(REASONS)},
            "details": {**NULLABLE_STRING, "maxLength": DETAILS_MAX},
        },
        "required": ["reason"],
    },
    "NewPost": {
        "type": "object",
        "properties": {
            "body": {**STRING, "minLength": 1, "maxLength": MAX_BODY},
            "in_reply_to": {
                **INTEGER,
                "nullable": True,
                "description": "The id of the post this one answers (400 if there is none).",
            },
        },
        "required": ["body"],
    },
    "PostChanges": {
        "type": "object",
        "properties": {"body": {**STRING, "minLength": 1, "maxLength": MAX_BODY}},
        "required": ["body"],
    },
    "NewPostWithImages": {
        "type": "object",
        "properties": {
            "body": {**STRING, "minLength": 1, "maxLength": MAX_BODY},
            "image": {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "maxItems": MAX_IMAGES,
                "description": "JPEG, PNG, WebP or GIF (its first frame is kept), decoded and"
                " encoded again without its metadata (EXIF, GPS).",
            },
            "alt": {
                "type": "array",
                "items": {**STRING, "minLength": 1, "maxLength": ALT_MAX},
                "maxItems": MAX_IMAGES,
                "description": "One description per image, in the same order (required).",
            },
        },
        "required": ["body"],
    },
}
