"""A database as the Flask Mega-Tutorial's app leaves it, built and filled for the adoption
tests.

The tables, columns, indexes and keys are those its nine migrations
(miguelgrinberg/microblog, migrations/versions, e517276bb1c2 … 834b1a697901) create, written
here as SQLAlchemy tables: unnamed foreign keys without ON DELETE, nullable columns where
its migrations left them nullable, a followers table without a primary key. password_hash
is 256 characters wide, as the tutorial's current edition makes it for werkzeug's scrypt
hashes.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from werkzeug.security import generate_password_hash

HEAD = "834b1a697901"
# Its revisions before the head, oldest first.
OLDER = [
    "e517276bb1c2",
    "780739b227a7",
    "37f06a334dbf",
    "ae346256b650",
    "2b017edaa91f",
    "d049de007ccf",
    "f7ac3d27bb1d",
    "c81bac34faab",
]

metadata = sa.MetaData()

user = sa.Table(
    "user",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64)),
    sa.Column("email", sa.String(120)),
    sa.Column("password_hash", sa.String(256)),
    sa.Column("about_me", sa.String(140)),
    sa.Column("last_seen", sa.DateTime),
    sa.Column("last_message_read_time", sa.DateTime),
    sa.Column("token", sa.String(32)),
    sa.Column("token_expiration", sa.DateTime),
    sa.Index("ix_user_username", "username", unique=True),
    sa.Index("ix_user_email", "email", unique=True),
    sa.Index("ix_user_token", "token", unique=True),
)
post = sa.Table(
    "post",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.String(140)),
    sa.Column("timestamp", sa.DateTime),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id")),
    sa.Column("language", sa.String(5)),
    sa.Index("ix_post_timestamp", "timestamp"),
)
followers = sa.Table(
    "followers",
    metadata,
    sa.Column("follower_id", sa.Integer, sa.ForeignKey("user.id")),
    sa.Column("followed_id", sa.Integer, sa.ForeignKey("user.id")),
)
message = sa.Table(
    "message",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
    sa.Column("recipient_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
    sa.Column("body", sa.String(140), nullable=False),
    sa.Column("timestamp", sa.DateTime, nullable=False),
    sa.Index("ix_message_recipient_id", "recipient_id"),
    sa.Index("ix_message_sender_id", "sender_id"),
    sa.Index("ix_message_timestamp", "timestamp"),
)
notification = sa.Table(
    "notification",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(128)),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id")),
    sa.Column("timestamp", sa.Float),
    sa.Column("payload_json", sa.Text),
    sa.Index("ix_notification_name", "name"),
    sa.Index("ix_notification_timestamp", "timestamp"),
)
task = sa.Table(
    "task",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("description", sa.String(128)),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
    sa.Column("complete", sa.Boolean, nullable=False),
    sa.Index("ix_task_name", "name"),
)
alembic_version = sa.Table(
    "alembic_version",
    metadata,
    sa.Column("version_num", sa.String(32), primary_key=True),
)

# Whole seconds: MariaDB's DATETIME, as the tutorial declares it, keeps no fractions.
T0 = dt.datetime(2024, 3, 1, 9, 0, 0)
PASSWORDS = {"Susan": "cat-and-mouse-1", "john": "tea-kettle-22", "小红": "panda-river-7"}

USERS = [
    {"id": 1, "username": "Susan", "email": "Susan@Example.com", "method": "scrypt"},
    {"id": 2, "username": "john", "email": "john@example.com", "method": "pbkdf2:sha256"},
    {"id": 3, "username": "小红", "email": "xiaohong@example.com", "method": "scrypt"},
]
POSTS = [
    # (id, author, body, language, days after T0)
    (1, 1, "Susan's first post", "en", 1),
    (2, 2, "John writes about tea", "en", 2),
    (3, 3, "今天天气很好", "zh", 3),
    (4, 2, "Hola a todos", "es", 4),
    (5, 1, "A post whose language was not found", "", 5),
]
FOLLOWS = [(1, 2), (1, 3), (2, 1)]
MESSAGES = [
    (1, 2, 1, "Hello Susan, from John", 6),
    (2, 3, 1, "你好 Susan", 7),
    (3, 1, 2, "Hi John", 8),
]


def engine(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=NullPool)


def build(url: str, revision: str = HEAD, users: list[dict] = USERS) -> None:
    """Create the tutorial's tables at `url` and fill them, as its app would have."""
    at = lambda days: T0 + dt.timedelta(days=days)  # noqa: E731
    database = engine(url)
    with database.begin() as connection:
        metadata.create_all(connection)
        connection.execute(alembic_version.insert(), {"version_num": revision})
        connection.execute(
            user.insert(),
            [
                {
                    "id": u["id"],
                    "username": u["username"],
                    "email": u["email"],
                    "password_hash": generate_password_hash(
                        PASSWORDS.get(u["username"], "any-password-9"), method=u["method"]
                    ),
                    "about_me": f"I am {u['username']}",
                    "last_seen": at(10),
                    # The tutorial's API token, which adoption does not keep.
                    "token": f"token-of-user-{u['id']}",
                    "token_expiration": at(11),
                }
                for u in users
            ],
        )
        known = {u["id"] for u in users}
        connection.execute(
            post.insert(),
            [
                {"id": i, "user_id": a, "body": b, "language": lang, "timestamp": at(d)}
                for i, a, b, lang, d in POSTS
                if a in known
            ],
        )
        follows = [{"follower_id": a, "followed_id": b} for a, b in FOLLOWS if {a, b} <= known]
        # Following twice: the tutorial's table has no key that stops it.
        connection.execute(followers.insert(), follows + follows[:1])
        connection.execute(
            message.insert(),
            [
                {"id": i, "sender_id": s, "recipient_id": r, "body": b, "timestamp": at(d)}
                for i, s, r, b, d in MESSAGES
                if {s, r} <= known
            ],
        )
        connection.execute(
            notification.insert(),
            {"id": 1, "name": "unread_message_count", "user_id": 1, "timestamp": 1709283600.0,
             "payload_json": "2"},
        )  # fmt: skip
        connection.execute(
            task.insert(),
            [
                {"id": "7f1c0a52-5b8e-4a53-9a0e-111111111111", "name": "export_posts",
                 "description": "Exporting posts...", "user_id": 1, "complete": True},
                {"id": "7f1c0a52-5b8e-4a53-9a0e-222222222222", "name": "export_posts",
                 "description": "Exporting posts...", "user_id": 2, "complete": False},
            ],
        )  # fmt: skip
    database.dispose()


def snapshot(url: str) -> dict:
    """Every table's columns, indexes and rows: equal before and after when nothing changed."""
    database = engine(url)
    inspector = sa.inspect(database)
    tables = {}
    with database.connect() as connection:
        for name in sorted(inspector.get_table_names()):
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            rows = connection.execute(sa.select(table)).all()
            tables[name] = {
                "columns": [(c["name"], str(c["type"])) for c in inspector.get_columns(name)],
                "indexes": sorted(i["name"] for i in inspector.get_indexes(name)),
                "rows": sorted(map(tuple, rows), key=repr),
            }
    database.dispose()
    return tables
