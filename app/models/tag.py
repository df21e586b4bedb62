"""Hashtags: the tag table, which posts carry which tag (post_tag), and a tag's posts."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.database import READS_ONLY
from app.extensions import db
from app.models.post_text import TAG_MAX, tag_name
from app.models.types import UTCDateTime

post_tag = db.Table(
    "post_tag",
    Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    # The post's time, kept here so that a tag's page is cut from this index alone, newest
    # first, however many posts carry the tag (a post's time never changes).
    Column("post_timestamp", UTCDateTime, nullable=False),
    Index("ix_post_tag_tag_id_post_timestamp_post_id", "tag_id", "post_timestamp", "post_id"),
)


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # As matched: NFKC and case-folded (tag_name), so #Flask and #flask are one tag.
    name: Mapped[str] = mapped_column(String(TAG_MAX), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"

    @staticmethod
    def by_name(name: str) -> "Tag | None":
        """The tag called `name`, written in any case."""
        name = tag_name(name)
        if len(name) > TAG_MAX or "\x00" in name:  # no such tag can exist
            return None
        query = select(Tag).where(Tag.name == name)
        return db.session.scalar(query, execution_options=READS_ONLY)

    @staticmethod
    def ids_for(names: Sequence[str]) -> list[int]:
        """The ids of the tags called `names` (already tag_name'd), made if new (the caller
        commits)."""
        if not names:
            return []
        found = dict(db.session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names))).all())
        for name in names:
            if name not in found:
                found[name] = _new_tag_id(name)
        return [found[name] for name in names]

    @staticmethod
    def set_post_tags(post_id: int, timestamp: datetime, tag_ids: Sequence[int]) -> None:
        """Make `tag_ids` the tags of post `post_id` (the caller commits)."""
        db.session.execute(delete(post_tag).where(post_tag.c.post_id == post_id))
        if tag_ids:
            rows = [{"post_id": post_id, "tag_id": i, "post_timestamp": timestamp} for i in tag_ids]
            db.session.execute(insert(post_tag), rows)


def _new_tag_id(name: str) -> int:
    # Another post may make the same tag at the same moment: then read theirs.
    try:
        with db.session.begin_nested():
            tag = Tag(name=name)
            db.session.add(tag)
        return tag.id
    except IntegrityError:
        return db.session.execute(select(Tag.id).where(Tag.name == name)).scalar_one()
