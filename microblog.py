"""The FLASK_APP: `flask run`, `flask db …`, `flask shell`, or `gunicorn microblog:app`."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import create_app
from app.extensions import db
from app.models import Message, Notification, Post, Task, User

app = create_app()


@app.shell_context_processor
def make_shell_context() -> dict:
    return {
        "sa": sa,
        "so": so,
        "db": db,
        "User": User,
        "Post": Post,
        "Message": Message,
        "Notification": Notification,
        "Task": Task,
    }
