"""Background tasks a user started (exports), tracked while they run."""

from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from sqlalchemy import Boolean, ForeignKey, Select, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

if TYPE_CHECKING:
    from app.models.user import User


class Task(db.Model):
    # The job's id in the queue (RQ's job id, or a uuid for the in-process runner).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    description: Mapped[str | None] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    progress: Mapped[int] = mapped_column(default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    # "<user id>:<name>" while the task runs, NULL once it is complete: the unique index makes
    # "one running task of a kind per user" hold even for two requests at the same instant.
    running_key: Mapped[str | None] = mapped_column(String(160), unique=True)

    user: Mapped["User"] = relationship(back_populates="tasks")

    @staticmethod
    def key_for(user: "User", name: str) -> str:
        return f"{user.id}:{name}"

    def finish(self) -> None:
        self.complete = True
        self.running_key = None

    @staticmethod
    def in_progress(user: "User", name: str | None = None) -> Select:
        query = select(Task).where(Task.user_id == user.id, Task.complete.is_(False))
        return query if name is None else query.where(Task.name == name)


class TasksMixin:
    """User's background jobs under the tutorial's names (launch_task, get_tasks_in_progress)."""

    def launch_task(self, name: str, description: str, *args: Any) -> Task | None:
        """Start the background job `name` (app/tasks) for this user; None while one of that
        name is still running. Unlike the book's, it commits: the job must find its task."""
        return current_app.extensions["tasks"].launch(self, name, description, *args)

    def get_tasks_in_progress(self) -> list[Task]:
        return list(db.session.scalars(Task.in_progress(cast("User", self))))

    def get_task_in_progress(self, name: str) -> Task | None:
        return db.session.scalar(Task.in_progress(cast("User", self), name))
