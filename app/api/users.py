"""Users: read profiles and who follows whom, sign up, and edit your own profile."""

from flask import url_for
from flask_babel import _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from app.api.auth import current_api_user, token_required
from app.api.blueprint import MAX_ID, bp
from app.api.errors import fail
from app.api.inputs import json_object, text_fields
from app.api.paging import collection
from app.auth.forms import RegistrationForm
from app.auth.registration import sign_up
from app.extensions import db
from app.main.forms import EditProfileForm
from app.models import Post, User, normalize_username
from app.models.avatar import avatar_url
from app.rate_limits import register_limits

AVATAR_SIZE = 128


def iso(moment) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def user_to_dict(user: User, own: bool = False) -> dict:
    post_count = db.session.scalar(select(func.count()).where(Post.user_id == user.id))
    data = {
        "id": user.id,
        "username": user.username,
        "about_me": user.about_me,
        "created_at": iso(user.created_at),
        "last_seen": iso(user.last_seen),
        "post_count": post_count or 0,
        "follower_count": user.followers_count(),
        "following_count": user.following_count(),
        "_links": {
            "self": url_for("api.get_user", id=user.id),
            "followers": url_for("api.get_followers", id=user.id),
            "following": url_for("api.get_following", id=user.id),
            "posts": url_for("api.get_user_posts", id=user.id),
            "avatar": avatar_url(user.username, user.email, AVATAR_SIZE),
        },
    }
    # An email address is private: only its owner sees it.
    viewer = current_api_user()
    if own or (viewer is not None and viewer.id == user.id):
        data["email"] = user.email
    return data


def get_user_or_404(id: int) -> User:
    user = db.session.get(User, id) if id <= MAX_ID else None
    if user is None:
        fail(404, _("There is no user with this id."))
    return user


def field_errors(form) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


@bp.get("/users/<id:id>")
def get_user(id: int):
    """One user's profile."""
    return user_to_dict(get_user_or_404(id))


@bp.get("/users")
def get_users():
    """Every user, oldest account first."""
    return collection(select(User).order_by(User.id), user_to_dict, "api.get_users")


@bp.get("/users/<id:id>/followers")
def get_followers(id: int):
    """The users who follow this user."""
    user = get_user_or_404(id)
    query = user.followers.select().order_by(User.id)
    return collection(query, user_to_dict, "api.get_followers", id=id)


@bp.get("/users/<id:id>/following")
def get_following(id: int):
    """The users this user follows."""
    user = get_user_or_404(id)
    query = user.following.select().order_by(User.id)
    return collection(query, user_to_dict, "api.get_following", id=id)


@bp.post("/users")
@register_limits
def create_user():
    """Sign up as the registration form does: the same answer for a new address and for one
    that has an account (its owner gets an email instead)."""
    values = text_fields(json_object(), required=("username", "email", "password"))
    formdata = MultiDict({**values, "password2": values["password"]})
    form = RegistrationForm(formdata=formdata, meta={"csrf": False})
    if not form.validate():
        fail(400, _("The request has invalid fields."), field_errors(form))
    if not sign_up(form):
        fail(409, _("That username is already in use."), field_errors(form))
    return {
        "message": _("We have sent an email to that address: it tells you how to sign in.")
    }, 202


@bp.put("/users/<id:id>")
@token_required
def update_user(id: int):
    """Change your own username and about me."""
    user = get_user_or_404(id)
    if user.id != current_api_user().id:
        fail(403, _("You can only change your own profile."))
    values = text_fields(json_object(), required=(), optional=("username", "about_me"))
    username = values.get("username", user.username) or ""
    about_me = values.get("about_me", user.about_me)
    formdata = MultiDict({"username": username, "about_me": about_me or ""})
    form = EditProfileForm(user, formdata=formdata, meta={"csrf": False})
    if not form.validate():
        fail(400, _("The request has invalid fields."), field_errors(form))
    user.username = normalize_username(form.username.data)
    user.about_me = form.about_me.data.strip() or None
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        fail(
            409,
            _("That username is already in use."),
            {"username": [_("Please use a different username.")]},
        )
    return user_to_dict(user)
