"""Posts."""

import re
from datetime import datetime
from typing import TYPE_CHECKING

from langdetect import DetectorFactory, LangDetectException, detect
from sqlalchemy import ForeignKey, Index, Select, String, false, select, text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.extensions import db
from app.models.post_edit import PostEdit
from app.models.search import SearchableMixin
from app.models.thread import ThreadMixin
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User

# langdetect is random by default; a fixed seed gives the same answer for the same text.
DetectorFactory.seed = 0


# Han, kana and Hangul: each character counts as much as a word of the scripts spacing theirs.
CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
WORD = re.compile(r"[^\W\d_]+")
# Below this share of the text for one side, a post mixing scripts gets no language.
DOMINANT_SHARE = 0.75


def detect_language(text: str) -> str | None:
    """The post's language, or None when unsure. langdetect reads a post mixing CJK and other
    scripts as whichever it likes (Chinese with a few English words came out English), so the
    script that dominates is picked first and langdetect asked about its part alone."""
    cjk = "".join(CJK.findall(text))
    rest = CJK.sub(" ", text)
    words = len(WORD.findall(rest))
    if cjk and words:
        share = len(cjk) / (len(cjk) + words)
        if share >= DOMINANT_SHARE:
            text = cjk
        elif share <= 1 - DOMINANT_SHARE:
            text = rest
        else:
            return None
    try:
        language = detect(text)
    except LangDetectException:
        return None
    return language[:5]


class Post(SearchableMixin, ThreadMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(280))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    language: Mapped[str | None] = mapped_column(String(5))
    # Replies: the post answered; the database sets it NULL when that post is deleted, and
    # is_reply, which stays True, then says "in reply to a deleted post".
    in_reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), index=True
    )
    is_reply: Mapped[bool] = mapped_column(default=False, server_default=false())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by the likes' and boosts' verbs (app/models/reactions.py): no count on every page.
    like_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    boost_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    author: Mapped["User"] = relationship(back_populates="posts")
    in_reply_to: Mapped["Post | None"] = relationship(remote_side="Post.id")
    edits: WriteOnlyMapped[PostEdit] = relationship(
        order_by=(PostEdit.replaced_at.desc(), PostEdit.id.desc()), passive_deletes=True
    )
    # Who boosted it into the timeline being shown (User.following_posts()); not a column.
    boosted_by = None

    __table_args__ = (
        # Everyone's posts newest first (explore). With id, a page's keys come from the index
        # alone at any depth: PostgreSQL, unlike SQLite and InnoDB, does not add the key itself.
        Index("ix_post_timestamp_id", "timestamp", "id"),
        # A user's posts newest first: the profile page and each author's share of a timeline.
        # With id, the index alone yields (timestamp, id) order, which PostgreSQL can merge.
        Index("ix_post_user_id_timestamp_id", "user_id", "timestamp", "id"),
    )

    def __repr__(self) -> str:
        return f"<Post {self.body[:20]!r}>"

    @staticmethod
    def write(author: "User", body: str, in_reply_to: "Post | None" = None) -> "Post":
        """A new post by `author`, in the language it is written in, answering `in_reply_to`
        if given (the caller commits): the site's forms and the API's POST all come here."""
        body = body.strip()
        post = Post(body=body, author=author, language=detect_language(body))
        if in_reply_to is not None:
            post.in_reply_to, post.is_reply = in_reply_to, True
        db.session.add(post)
        return post

    @property
    def in_reply_to_username(self) -> str | None:
        """The answered post's author, as the page queries' rows carry it."""
        return self.in_reply_to.author.username if self.in_reply_to else None

    def edit(self, body: str) -> bool:
        """Replace the text, keeping the old one for the author; False if nothing changed."""
        body = body.strip()
        if body == self.body:
            return False
        now = utcnow()
        db.session.add(PostEdit(post_id=self.id, body=self.body, replaced_at=now))
        self.body, self.language, self.edited_at = body, detect_language(body), now
        return True

    def earlier_texts(self) -> list[PostEdit]:
        """The texts this post had before its edits, the most recent first."""
        return list(db.session.scalars(self.edits.select()))

    def delete(self) -> None:
        """Delete the post and its edits. Its replies stay, answering a deleted post (the
        database's ON DELETE SET NULL); the search index and the followers' newest-post
        times follow in the same flush (triggers, followers.forget_newest_post)."""
        db.session.delete(self)

    @staticmethod
    def newest_first(*conditions) -> Select:
        """The posts that meet `conditions` (all of them without any), newest first."""
        return select(Post).where(*conditions).order_by(Post.timestamp.desc(), Post.id.desc())
