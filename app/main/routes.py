"""The pages of the microblog itself: timelines, profiles, following."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import _
from flask_login import current_user, login_required

from app.activitypub import outbox
from app.activitypub.mentions import resolve_mentions
from app.activitypub.refresh import refresh_if_stale
from app.auth.confirmation import confirmed_required
from app.extensions import db
from app.forms import EmptyForm
from app.main.avatars import identicon_svg
from app.main.forms import EditProfileForm, PostForm
from app.main.rendering import exact_time, post_articles, relative_time
from app.main.text import linkify, post_body
from app.media.uploads import accepts_images, commit_or_remove, stored_images
from app.models import Post, User, profile_by_username, user_by_username
from app.models.avatar import avatar_url
from app.models.suggestions import suggested_users
from app.pagination import requested_page
from app.post_pages import post_pages

bp = Blueprint("main", __name__)


bp.add_app_template_global(avatar_url)


@bp.app_template_filter("linkify")
def linkify_filter(text: str):
    return linkify(text)


bp.add_app_template_global(post_body)
bp.add_app_template_global(relative_time)
bp.add_app_template_global(exact_time)
bp.add_app_template_global(post_articles)


@bp.before_app_request
def record_last_seen() -> None:
    if current_user.is_authenticated and current_user.seen_now():
        db.session.commit()


def get_user_or_404(username: str) -> User:
    return user_by_username(username) or abort(404)


def page_request() -> tuple[int, int]:
    """The requested page's number and its number of posts."""
    return requested_page(), current_app.config["POSTS_PER_PAGE"]


@bp.route("/", methods=["GET", "POST"])
@accepts_images
def front():
    """Your home page; for a visitor, what this site is and its newest posts."""
    if current_user.is_authenticated:
        return index()
    page = None
    if current_app.config["PUBLIC_TIMELINE"]:
        page = post_pages().front_page(current_app.config["POSTS_PER_PAGE"])
    return render_template("main/front.html", page=page)


def publish(body: str, uploads: list):
    resolve_mentions(body)
    images, written = stored_images(uploads)
    post = Post.write(current_user, body, images=images)
    commit_or_remove(written)
    outbox.publish_post(post)
    flash(_("Your post is now live!"), "success")
    return redirect(url_for(".index"))


@bp.route("/index", methods=["GET", "POST"])
@accepts_images
@login_required
@confirmed_required
def index():
    """Write a post, and read your own and the people you follow."""
    form, preview = PostForm(), None
    # Validated once: validating reads the uploaded images' streams.
    if form.validate_on_submit():
        if not form.preview.data:
            return publish(form.post.data, form.uploads)
        preview = Post.preview(form.post.data)
    page = post_pages().timeline_page(current_user, *page_request())
    # A home that fits on one page is a new reader's: suggest people to follow.
    suggestions = suggested_users(current_user) if page.number == 1 and not page.has_next else []
    return render_template(
        "main/index.html",
        **dict(title=_("Home"), form=form, page=page, suggestions=suggestions, preview=preview),
    )


@bp.route("/explore")
@login_required
def explore():
    """Read everyone's posts."""
    page = post_pages().explore_page(*page_request(), current_user)
    return render_template("main/index.html", title=_("Explore"), page=page)


@bp.route("/user/<username>")
@login_required
def user(username: str):
    """A profile: who they are, whom they follow, and their posts."""
    profile = profile_by_username(username, current_user) or abort(404)
    page = post_pages().profile_page(profile.user, *page_request(), current_user)
    refresh_if_stale(profile.user)  # someone elsewhere: in the background, when old
    blocked, blocked_server = blocked_state(profile.user)
    return render_template(
        "main/user.html", title=profile.user.username, profile=profile, user=profile.user,
        page=page, blocked=blocked, blocked_server=blocked_server,
    )  # fmt: skip


def blocked_state(user: User) -> tuple[str | None, str | None]:
    """ "block" or "mute" when the reader blocks or mutes `user`, "domain" when they block
    their server ("suspended" wins); and the server they block, theirs or a domain above."""
    if user.is_suspended:
        return "suspended", None
    if not current_user.block_total or user.id == current_user.id:
        return None, None  # no query for a reader who blocks no one
    if current_user.blocks(user):
        return "block", None
    if server := current_user.domain_block_of(user.domain):
        return "domain", server
    return "mute" if current_user.mutes(user) else None, None


@bp.route("/user/<username>/popup")
@login_required
def user_popup(username: str):
    """The small card shown when hovering an author's name."""
    profile = profile_by_username(username, current_user) or abort(404)
    return render_template("main/user_popup.html", profile=profile, user=profile.user)


@bp.route("/edit_profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    """Change your username and about me."""
    form = EditProfileForm(current_user)
    if form.validate_on_submit():
        current_user.update_profile(username=form.username.data, about_me=form.about_me.data)
        current_user.approve_followers = form.approve_followers.data
        current_user.fediverse_messages = form.fediverse_messages.data
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for(".user", username=current_user.username))
    if request.method == "GET":
        form.username.data = current_user.username
        form.about_me.data = current_user.about_me
        form.approve_followers.data = current_user.approve_followers
        form.fediverse_messages.data = current_user.fediverse_messages
    return render_template("form_page.html", title=_("Edit profile"), form=form)


def _change_following(username: str, follow: bool):
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for(".index"))
    user = get_user_or_404(username)
    if user.id == current_user.id:
        flash(_("You cannot follow yourself!"), "warning")
    elif follow and current_user.either_blocks(user):
        flash(_("You cannot follow %(username)s.", username=user.username), "warning")
    elif follow and current_user.ask_to_follow(user, outbox.new_follow_id(current_user, user)):
        flash(_("You are following %(username)s!", username=user.username), "success")
    elif follow:  # they approve their followers (someone elsewhere always does: their server)
        flash(_("You asked to follow %(username)s.", username=user.username), "info")
    else:
        told = outbox.unfollowing(current_user, user)
        current_user.unfollow(user)
        current_user.withdraw_follow_request(user)
        flash(_("You are not following %(username)s.", username=user.username), "info")
    db.session.commit()
    if follow:
        outbox.publish_follow(current_user, user)
    else:
        outbox.send(told)
    if request.args.get("back") == "home":  # followed from the home page's suggestions
        return redirect(url_for(".index"))
    return redirect(url_for(".user", username=user.username))


@bp.route("/follow/<username>", methods=["POST"])
@login_required
@confirmed_required
def follow(username: str):
    """Follow someone."""
    return _change_following(username, follow=True)


@bp.route("/unfollow/<username>", methods=["POST"])
@login_required
@confirmed_required
def unfollow(username: str):
    """Stop following someone."""
    return _change_following(username, follow=False)


@bp.route("/avatar/<seed>.svg")
def identicon(seed: str):
    """A user's identicon; the same seed always draws the same picture, so it caches forever."""
    if len(seed) != 16 or any(c not in "0123456789abcdef" for c in seed):
        abort(404)
    response = current_app.response_class(identicon_svg(seed), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 31536000
    return response
