"""The export job: a user's posts as JSON, emailed to them, with progress along the way."""

import json
import math

from flask import current_app
from flask_babel import _
from sqlalchemy import func, select

from app.email import send_email
from app.extensions import db
from app.i18n import language_of, offered
from app.jobs import job_app_context
from app.models import Notification, Post, Task

# Progress is written (one commit) at most this many times, however many posts there are.
PROGRESS_STEPS = 20


def _set_progress(task: Task, progress: int, outcome: str | None = None) -> None:
    """Progress for the page; a finished task says how it ended (`outcome` is "emailed" or
    "failed", with `message`, in the user's language, to show instead of the percentage)."""
    task.progress = progress
    data = {"task_id": task.id, "description": task.description, "progress": progress}
    if outcome is not None:
        with language_of(task.user, default=current_app.config["LANGUAGES"][0]):
            message = OUTCOMES[outcome]()
        data.update(state=outcome, message=message)
    Notification.replace(task.user, "task_progress", data)
    db.session.commit()


OUTCOMES = {
    "emailed": lambda: _("Your posts were emailed to you."),
    "failed": lambda: _("The export failed: we could not email your posts to you."),
}


def _posts_as_json(task: Task) -> bytes:
    user = task.user
    total = db.session.scalar(select(func.count()).where(Post.user_id == user.id)) or 0
    query = (
        select(Post.body, Post.timestamp)
        .where(Post.user_id == user.id)
        .order_by(Post.timestamp.asc(), Post.id.asc())
    )
    posts = []
    every = max(1, math.ceil(total / PROGRESS_STEPS))
    for done, (body, timestamp) in enumerate(db.session.execute(query), start=1):
        posts.append({"body": body, "timestamp": timestamp.isoformat()})
        if done % every == 0 and done < total:
            _set_progress(task, 100 * done // total)
    return json.dumps({"posts": posts}, ensure_ascii=False, indent=2).encode()


def export_posts(task_id: str, language: str | None = None) -> None:
    """Email the task's user a JSON file of all their posts, in the language they picked, else
    the one of the page that started it; mark the task complete."""
    with job_app_context():
        task = db.session.get(Task, task_id)
        if task is None:
            current_app.logger.error("Export task %s does not exist", task_id)
            return
        outcome = "failed"
        try:
            _set_progress(task, 0)
            data = _posts_as_json(task)
            user = task.user
            assert user.email is not None  # only local accounts sign in to ask for one
            # No request to take a language from: the one the user picked, else the page's.
            with language_of(user, default=offered(language) or current_app.config["LANGUAGES"][0]):
                send_email(
                    _("[Microblog] Your blog posts"),
                    recipients=[user.email],
                    template="export_posts",
                    attachments=[("posts.json", "application/json", data)],
                    sync=True,
                    user=user,
                )
            outcome = "emailed"
        except Exception:
            current_app.logger.exception("Export task %s failed", task_id)
            db.session.rollback()
        finally:
            task.finish()
            _set_progress(task, 100, outcome)
