"""Users: read profiles and who follows whom, sign up, and edit your own profile."""

from flask_babel import _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from app.api.auth import token_required, token_user
from app.api.blueprint import MAX_ID, bp
from app.api.errors import fail
from app.api.forms import UserChangesForm
from app.api.inputs import json_object, text_fields
from app.api.paging import collection
from app.auth.forms import RegistrationForm
from app.auth.registration import sign_up
from app.extensions import db
from app.models import User, normalize_email
from app.models.user_api import LOAD_COUNTS
from app.rate_limits import profile_change_limits, register_limits

# What PUT /api/users/<id> may change; anything else in its body is refused by name.
EDITABLE = ("username", "email", "about_me")
EMAIL_ON_SITE = _l(
    "Change your email address on the site's account settings page (/account/email): "
    "it sends a confirmation link to the new address."
)
TAKEN = {
    "username": _l("Please use a different username."),
    "email": _l("Please use a different email address."),
}


def user_dict(user: User) -> dict:
    """The user's dictionary, with their email address when they are the one asking."""
    return user.to_dict(include_email=user.id == token_user().id)


def user_collection(query: Select, endpoint: str, **view_args) -> dict:
    """A page of users, with their counts loaded in the same query."""
    return collection(query, user_dict, endpoint, loading=(LOAD_COUNTS,), **view_args)


def get_user_or_404(id: int) -> User:
    user = db.session.get(User, id) if id <= MAX_ID else None
    if user is None:
        fail(404, _("There is no user with this id."))
    return user


def field_errors(form) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


@bp.get("/users/<id:id>")
@token_required
def get_user(id: int):
    """One user's profile."""
    return user_dict(get_user_or_404(id))


@bp.get("/users")
@token_required
def get_users():
    """Every user, oldest account first."""
    return user_collection(select(User).order_by(User.id), "api.get_users")


@bp.get("/users/<id:id>/followers")
@token_required
def get_followers(id: int):
    """The users who follow this user."""
    query = get_user_or_404(id).followers.select().order_by(User.id)
    return user_collection(query, "api.get_followers", id=id)


@bp.get("/users/<id:id>/following")
@token_required
def get_following(id: int):
    """The users this user follows."""
    query = get_user_or_404(id).following.select().order_by(User.id)
    return user_collection(query, "api.get_following", id=id)


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


def requested_changes() -> dict[str, str | None]:
    """The fields the request's body changes; 400 naming any that cannot be changed."""
    data = json_object()
    unknown = {name: [_("This field cannot be changed.")] for name in data if name not in EDITABLE}
    if unknown:
        fail(400, _("The request has invalid fields."), unknown)
    return text_fields(data, required=(), optional=EDITABLE)


def changes_form(user: User, values: dict[str, str | None]) -> UserChangesForm:
    """The site's profile form, filled with these changes and the rest of `user`'s profile."""
    current = {"username": user.username, "email": user.email, "about_me": user.about_me}
    formdata = MultiDict({name: values.get(name, current[name]) or "" for name in EDITABLE})
    return UserChangesForm(user, formdata=formdata, meta={"csrf": False})


@bp.put("/users/<id:id>")
@token_required
@profile_change_limits
def update_user(id: int):
    """Change your own username, email address or about me, by the site's rules."""
    user = get_user_or_404(id)
    if user.id != token_user().id:
        fail(403, _("You can only change your own profile."))
    values = requested_changes()
    if "email" in values and normalize_email(values["email"] or "") != user.email:
        # A new address is proved by a link to it, after a fresh password: on the site only.
        fail(400, _("The request has invalid fields."), {"email": [str(EMAIL_ON_SITE)]})
    form = changes_form(user, values)
    if not form.validate():
        fail(400, _("The request has invalid fields."), field_errors(form))
    user.from_dict({name: form[name].data for name in values})
    try:
        db.session.commit()
    except IntegrityError:
        # Someone took the name or address between the check and the commit.
        db.session.rollback()
        taken: dict[str, list[str]] = {
            name: [str(TAKEN[name])] for name in ("username", "email") if name in values
        }
        fail(409, _("That username or email address is already in use."), taken)
    return user_dict(user)
