"""Images attached to a post: where their files are stored, their size and their alt text."""

from collections.abc import Iterable

from sqlalchemy import ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.post import Post
from app.models.remote_actor import URL_MAX

# A post carries at most this many images.
MAX_IMAGES = 4
# Alt text long enough to describe a chart, as Mastodon allows.
ALT_MAX = 1500


class PostImage(db.Model):
    __tablename__ = "post_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    # The order the author gave, from 0.
    position: Mapped[int] = mapped_column(Integer)
    # Storage keys (app/media/storage.py): random, never the uploaded file's name.
    key: Mapped[str] = mapped_column(String(64))
    thumbnail_key: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    thumbnail_width: Mapped[int] = mapped_column(Integer)
    thumbnail_height: Mapped[int] = mapped_column(Integer)
    alt: Mapped[str] = mapped_column(String(ALT_MAX))
    # A remote post's image: the address it was fetched from, which an Update of its Note
    # is compared with (NULL for an upload).
    source_url: Mapped[str | None] = mapped_column(String(URL_MAX))

    __table_args__ = (Index("ix_post_image_post_id_position", "post_id", "position"),)

    def __repr__(self) -> str:
        return f"<PostImage {self.key}>"

    @property
    def keys(self) -> tuple[str, str]:
        """The stored files of this image: the image and its thumbnail."""
        return self.key, self.thumbnail_key

    @staticmethod
    def of_posts(post_ids: Iterable[int]) -> dict[int, list["PostImage"]]:
        """The images of these posts, in order, in one query: {post id: images}."""
        ids = list(post_ids)
        found: dict[int, list[PostImage]] = {}
        if not ids:
            return found
        query = (
            select(PostImage)
            .where(PostImage.post_id.in_(ids))
            .order_by(PostImage.post_id, PostImage.position)
        )
        for image in db.session.scalars(query):
            found.setdefault(image.post_id, []).append(image)
        return found

    @staticmethod
    def keys_of_user(user_id: int) -> list[str]:
        """Every stored file of the images of a user's posts (for deleting them with the user)."""
        query = (
            select(PostImage.key, PostImage.thumbnail_key)
            .join(Post, Post.id == PostImage.post_id)
            .where(Post.user_id == user_id)
        )
        return [key for row in db.session.execute(query) for key in row]

    @staticmethod
    def keys_of_posts(post_ids: Iterable[int]) -> list[str]:
        """Every stored file of the images of these posts."""
        ids = list(post_ids)
        if not ids:
            return []
        query = select(PostImage.key, PostImage.thumbnail_key).where(PostImage.post_id.in_(ids))
        return [key for row in db.session.execute(query) for key in row]
