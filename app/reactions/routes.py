"""Likes and boosts: the action bar's buttons and the "who liked" page."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.activitypub import outbox
from app.auth.confirmation import confirmed_required
from app.extensions import db
from app.models.reactions import likers
from app.pagination import paginate, requested_page
from app.post_lookup import get_post_or_404, get_post_to_react_or_403
from app.reactions.bar import action_bar, articles_with_bars, reader_reactions
from app.security import safe_next_url

bp = Blueprint("reactions", __name__)

bp.add_app_template_global(reader_reactions)
bp.add_app_template_global(action_bar)
bp.add_app_template_global(articles_with_bars)


def _react(id: int, verb: str):
    """Run the reader's verb on the post, then back to the page the button was on: a like or
    boost only of a post that is not hidden, across no block; taking one back, of any post
    the reader sees."""
    post = get_post_to_react_or_403(id) if verb in ("like", "boost") else get_post_or_404(id)
    changed = getattr(current_user, verb)(post)
    db.session.commit()
    if changed:
        outbox.publish_reaction(current_user, post, verb)
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))


@bp.route("/post/<int:id>/like", methods=["POST"])
@login_required
@confirmed_required
def like(id: int):
    """Like a post."""
    return _react(id, "like")


@bp.route("/post/<int:id>/unlike", methods=["POST"])
@login_required
@confirmed_required
def unlike(id: int):
    """Take back your like."""
    return _react(id, "unlike")


@bp.route("/post/<int:id>/boost", methods=["POST"])
@login_required
@confirmed_required
def boost(id: int):
    """Boost a post into your followers' timelines."""
    return _react(id, "boost")


@bp.route("/post/<int:id>/unboost", methods=["POST"])
@login_required
@confirmed_required
def unboost(id: int):
    """Take a boost back out of your followers' timelines."""
    return _react(id, "unboost")


@bp.route("/post/<int:id>/likes")
@login_required
def likes(id: int):
    """Who liked a post, newest like first."""
    post = get_post_or_404(id)
    page = paginate(likers(post), requested_page(), current_app.config["LIKES_PER_PAGE"])
    return render_template("reactions/likes.html", title=_("Likes"), post=post, page=page)
