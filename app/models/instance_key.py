"""The key pair of the site's own actor (/actor, app/activitypub/instance_actor.py), which
signs the documents the site fetches from other servers, so that those answering only signed
requests (Mastodon's authorized fetch) answer it. One row, made by the first process that
needs it; `flask federation rotate-site-key` replaces its keys."""

from datetime import datetime

from sqlalchemy import Text
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.actor_key import new_key_pair
from app.models.types import UTCDateTime, utcnow

# The one row's id.
SITE = 1


class InstanceKey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def current() -> "InstanceKey | None":
        return db.session.get(InstanceKey, SITE)

    @staticmethod
    def make() -> None:
        """Make the site's key unless it has one (the caller commits, then reads current()).
        One statement that skips a key made meanwhile: two processes making it at once
        both end up with the same one."""
        private_key_pem, public_key_pem = new_key_pair()
        values = {
            "id": SITE,
            "private_key_pem": private_key_pem,
            "public_key_pem": public_key_pem,
            "created_at": utcnow(),
        }
        dialect = db.session.get_bind().dialect.name
        if dialect in {"mysql", "mariadb"}:
            db.session.execute(mysql_insert(InstanceKey).values(values).prefix_with("IGNORE"))
            return
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(InstanceKey).values(values).on_conflict_do_nothing())

    @staticmethod
    def rotate() -> "InstanceKey":
        """Give the site a new key pair, the old private key gone (the caller commits)."""
        key = InstanceKey.current()
        if key is None:
            key = InstanceKey(id=SITE)
            db.session.add(key)
        key.private_key_pem, key.public_key_pem = new_key_pair()
        key.created_at = utcnow()
        return key
