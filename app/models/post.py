"""Posts."""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    false,
    select,
    text,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.extensions import db
from app.models.alert import Alert
from app.models.inbox_activity import URI_MAX
from app.models.language import detect_language
from app.models.mentions import mentioned_ids, render_body
from app.models.post_edit import PostEdit
from app.models.post_text import PostText
from app.models.search import SearchableMixin
from app.models.tag import Tag, post_tag
from app.models.thread import ThreadMixin
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.post_image import PostImage
    from app.models.user import User


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
    # conversation_id: see ThreadMixin (app/models/thread.py).
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A post from another server: when the version of its Note kept here was written (its
    # `updated`, else `published`, by that server's clock); a Create or Update of an older
    # one, arriving late, is stale (app/activitypub/handlers.py). NULL: not known.
    note_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The body as Markdown rendered and sanitised when written (render_body), as rendering
    # costs more than reading a page's posts (benchmarks/README.md). NULL: a post from before
    # Markdown, shown as plain text with its addresses made links, as it always was.
    body_html: Mapped[str | None] = mapped_column(Text)
    # len(images), kept by write(): a page of posts looks up images only when some have any.
    # Only a server default: posts written at older revisions (in tests) leave it out.
    image_count: Mapped[int] = mapped_column(Integer, server_default="0")
    # Kept by the likes' and boosts' verbs (app/models/reactions.py): no count on every page.
    like_count: Mapped[int] = mapped_column(server_default=text("0"))
    boost_count: Mapped[int] = mapped_column(server_default=text("0"))
    # LISTED, HIDDEN by a moderator, or hidden with its SUSPENDED author (app/models/moderation.py).
    hidden: Mapped[int] = mapped_column(server_default=text("0"))
    # A post from another server: its Note's id, which its Update, Delete and likes name.
    uri: Mapped[str | None] = mapped_column(String(URI_MAX), unique=True, index=True)

    author: Mapped["User"] = relationship(back_populates="posts")
    in_reply_to: Mapped["Post | None"] = relationship(remote_side="Post.id")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, viewonly=True, order_by=Tag.name)
    edits: WriteOnlyMapped[PostEdit] = relationship(
        order_by=(PostEdit.replaced_at.desc(), PostEdit.id.desc()), passive_deletes=True
    )
    # The database deletes them with the post; the ORM too, so the files' cleanup sees them.
    images: Mapped[list["PostImage"]] = relationship(
        order_by="PostImage.position", cascade="all, delete-orphan", passive_deletes=True
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
        # The few hidden posts, which every list leaves out (app/speedups/page_queries.py).
        Index("ix_post_hidden_user_id", "hidden", "user_id"),
        # A conversation's posts, with what a thread page checks first (app/speedups/threads.py).
        Index("ix_post_conversation_id_id_hidden", "conversation_id", "id", "hidden"),
        # An id is in the post's URI, which other servers keep: SQLite must never reuse one.
        {"sqlite_autoincrement": True},
    )

    def __repr__(self) -> str:
        return f"<Post {self.body[:20]!r}>"

    @staticmethod
    def write(
        author: "User",
        body: str,
        *,
        images: Sequence["PostImage"] = (),
        in_reply_to: "Post | None" = None,
        timestamp: datetime | None = None,
    ) -> "Post":
        """A new post by `author`, in the language it is written in, with up to four images in
        this order, answering `in_reply_to` if given, its tags kept and the users it mentions
        told (the caller commits): the site's forms and the API's POST all come here.
        `timestamp` is when it was written, if not now (a post written elsewhere first)."""
        post = Post(author=author, timestamp=timestamp or utcnow())
        if in_reply_to is not None:
            post.in_reply_to, post.is_reply = in_reply_to, True
        for position, image in enumerate(images):
            image.position = position
            post.images.append(image)
        post.image_count = len(images)
        db.session.add(post)
        post.set_text(body)
        post.notify_mentions()
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
        now, before = utcnow(), self.body
        db.session.add(PostEdit(post_id=self.id, body=before, replaced_at=now))
        self.set_text(body)
        self.edited_at = now
        # Only the users the earlier text did not mention yet are told.
        self.notify_mentions(before=before)
        return True

    def earlier_texts(self) -> list[PostEdit]:
        """The texts this post had before its edits, the most recent first."""
        return list(db.session.scalars(self.edits.select()))

    def delete(self) -> None:
        """Delete the post and its edits. Its replies stay, answering a deleted post (the
        database's ON DELETE SET NULL); the search index and the followers' newest-post
        times follow in the same flush (triggers, followers.forget_newest_post); so do the
        unread alert counts of those it mentioned (their alerts go with it)."""
        told = Alert.receivers(self.id)
        db.session.delete(self)
        if told:
            db.session.flush()
            Alert.count_for_pages(told)

    def set_text(self, body: str) -> None:
        """Make `body` the post's text: its language, HTML and tags follow (the caller
        commits). Editing a post comes here too, then calls notify_mentions(before=...)."""
        self.body = body.strip()
        self.language = detect_language(self.body)
        text = PostText.parse(self.body)
        self.body_html = render_body(text)
        db.session.flush()
        Tag.set_post_tags(self.id, self.timestamp, Tag.ids_for(text.tags()))

    def notify_mentions(self, before: str | None = None) -> None:
        """Tell the users the post mentions, but not its author, nor those who block or mute
        its author, nor (after an edit) those its text `before` already mentioned (the
        caller commits)."""
        known = set(PostText.parse(before).mentions()) if before else set()
        # Accounts elsewhere (name@host) read no alerts here: the post is delivered to them.
        names = [
            name
            for name in PostText.parse(self.body).mentions()
            if name not in known and "@" not in name
        ]
        mentioned = mentioned_ids(names, self.user_id)
        Alert.mentions(self, (id for id in mentioned if id != self.user_id))

    @staticmethod
    def preview(body: str) -> str:
        """The HTML `body` would have as a post, for the preview before posting."""
        return render_body(PostText.parse(body.strip()))

    @staticmethod
    def tagged(tag: Tag) -> Select:
        """The posts carrying `tag`, newest first: the definition the tag page reads."""
        return Post.newest_first(post_tag.c.tag_id == tag.id).join(
            post_tag, post_tag.c.post_id == Post.id
        )

    def replies_oldest_first(self) -> Select:
        """The posts answering this one directly, oldest first: the API pages them, and a
        client reads each one's own the same way (the site's thread page reads the tree)."""
        order = (Post.timestamp.asc(), Post.id.asc())
        return select(Post).where(Post.in_reply_to_id == self.id).order_by(*order)

    @staticmethod
    def newest_first(*conditions) -> Select:
        """The posts that meet `conditions` (all of them without any), newest first."""
        return select(Post).where(*conditions).order_by(Post.timestamp.desc(), Post.id.desc())
