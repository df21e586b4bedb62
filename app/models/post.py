"""Posts."""

import re
from datetime import datetime
from typing import TYPE_CHECKING

from langdetect import DetectorFactory, LangDetectException, detect
from sqlalchemy import ForeignKey, Index, Select, String, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.search import SearchableMixin
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


class Post(SearchableMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(280))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    language: Mapped[str | None] = mapped_column(String(5))
    # Kept by the likes' and boosts' verbs (app/models/reactions.py): no count on every page.
    like_count: Mapped[int] = mapped_column(server_default=text("0"))
    boost_count: Mapped[int] = mapped_column(server_default=text("0"))

    author: Mapped["User"] = relationship(back_populates="posts")
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
    def write(author: "User", body: str) -> "Post":
        """A new post by `author`, in the language it is written in (the caller commits): the
        site's post form and the API's POST both come here."""
        body = body.strip()
        post = Post(body=body, author=author, language=detect_language(body))
        db.session.add(post)
        return post

    @staticmethod
    def newest_first(*conditions) -> Select:
        """The posts that meet `conditions` (all of them without any), newest first."""
        return select(Post).where(*conditions).order_by(Post.timestamp.desc(), Post.id.desc())
