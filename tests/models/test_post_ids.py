"""A post's id is in its URI, which other servers keep for good: no database may give a new
post the id of one deleted, not even SQLite, which by itself reuses the largest."""

from app.extensions import db
from app.models import Post, User


def write_delete_write(app) -> tuple[int, int]:
    """The id of a newest post, deleted, and of the post written next."""
    with app.app_context():
        user = User(username="susan", email="susan@example.com")
        db.session.add(user)
        Post.write(user, "first")
        newest = Post.write(user, "second, soon deleted")
        db.session.commit()
        deleted = newest.id
        newest.delete()
        db.session.commit()
        after = Post.write(user, "third")
        db.session.commit()
        return deleted, after.id


def test_the_models_schema_never_reuses_a_deleted_posts_id(app):
    deleted, after = write_delete_write(app)
    assert after > deleted


def test_the_migrated_schema_never_reuses_a_deleted_posts_id(app_on_each_database):
    deleted, after = write_delete_write(app_on_each_database)
    assert after > deleted
