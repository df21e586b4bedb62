"""Images from a form or the API to stored files and PostImage rows, all or nothing: the files
are written first, then the rows in one transaction, and the files removed if it fails."""

from collections.abc import Callable, Iterable, Sequence
from typing import IO, TypeVar

from flask import current_app, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.media.images import ProcessedImage, process_image
from app.media.storage import Storage, new_key, storage
from app.models import Post, PostImage

View = TypeVar("View", bound=Callable)
# session.info's list of (storage, keys) to remove once the transaction commits.
TO_DELETE = "microblog.media_to_delete"


def upload_limit() -> int:
    """The largest request body a view that accepts images reads: four images and the text."""
    return 4 * current_app.config["MEDIA_MAX_BYTES"] + 256 * 1024


def accepts_images(view: View) -> View:
    """Mark a view as one that receives images: its requests may be as large as upload_limit()
    (MAX_CONTENT_LENGTH holds for every other one)."""
    view.accepts_images = True  # type: ignore[attr-defined]
    return view


def receives_images() -> bool:
    """True when the request is for a view marked accepts_images."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "accepts_images", False)


def allow_uploads(endpoint: str | None, values: dict | None) -> None:
    """Raise the body limit for views marked accepts_images, before anything reads the body."""
    if receives_images():
        request.max_content_length = upload_limit()


def processed_upload(file: IO[bytes]) -> ProcessedImage:
    """An uploaded file, checked and encoded again (ImageRejected says what is wrong)."""
    return processed(file.read(current_app.config["MEDIA_MAX_BYTES"] + 1))


def processed(data: bytes) -> ProcessedImage:
    """An image's bytes (an upload, a remote post's image) checked and encoded again within
    the site's MEDIA_* limits (ImageRejected says what is wrong)."""
    config = current_app.config
    return process_image(
        data,
        max_bytes=config["MEDIA_MAX_BYTES"],
        max_pixels=config["MEDIA_MAX_PIXELS"],
        image_size=config["MEDIA_IMAGE_SIZE"],
        thumbnail_size=config["MEDIA_THUMBNAIL_SIZE"],
    )


def stored_images(uploads: Sequence[tuple[ProcessedImage, str]]) -> tuple[list[PostImage], list]:
    """Write each (image, alt text)'s files; the PostImage rows for Post.write, and the keys
    written (for commit_or_remove)."""
    store, written = storage(), []
    rows = []
    try:
        for upload, alt in uploads:
            keys = []
            for encoded in (upload.image, upload.thumbnail):
                key = new_key(encoded.extension)
                store.save(key, encoded.data, encoded.content_type)
                written.append(key)
                keys.append(key)
            rows.append(
                PostImage(
                    key=keys[0],
                    thumbnail_key=keys[1],
                    content_type=upload.image.content_type,
                    width=upload.image.width,
                    height=upload.image.height,
                    thumbnail_width=upload.thumbnail.width,
                    thumbnail_height=upload.thumbnail.height,
                    alt=alt.strip(),
                )
            )
    except BaseException:
        remove(store, written)
        raise
    return rows, written


def commit_or_remove(written: Iterable[str]) -> None:
    """Commit the session; if that fails, roll back and remove the files just written, so a
    failed post leaves neither rows nor files."""
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        remove(storage(), written)
        raise


def remove(store: Storage, keys: Iterable[str]) -> None:
    for key in keys:
        store.delete(key)


def delete_files_after_commit(keys: Iterable[str]) -> None:
    """Remove these files once the session's transaction commits (not if it rolls back): for
    rows deleted in bulk, such as an account's posts by the database's cascade."""
    keys = list(keys)
    if keys:
        db.session.info.setdefault(TO_DELETE, []).append((storage(), keys))


@event.listens_for(Session, "before_flush")
def _collect_deleted_images(session: Session, context, instances) -> None:
    """A post or image deleted through the session takes its files with it, after commit."""
    post_ids = [obj.id for obj in session.deleted if isinstance(obj, Post)]
    keys = [key for obj in session.deleted if isinstance(obj, PostImage) for key in obj.keys]
    if post_ids:
        with session.no_autoflush:
            keys.extend(PostImage.keys_of_posts(post_ids))
    if keys:
        session.info.setdefault(TO_DELETE, []).append((storage(), sorted(set(keys))))


@event.listens_for(Session, "after_commit")
def _delete_files(session: Session) -> None:
    for store, keys in session.info.pop(TO_DELETE, []):
        remove(store, keys)


@event.listens_for(Session, "after_soft_rollback")
def _keep_files(session: Session, previous_transaction) -> None:
    # A savepoint's rollback leaves the outer transaction's deletions standing.
    if previous_transaction.parent is None:
        session.info.pop(TO_DELETE, None)
