"""A post's own page (its stable URL): the conversation around it, replying, and its
author's edit and delete."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.activitypub import outbox
from app.activitypub.mentions import resolve_mentions
from app.auth.confirmation import confirmed_required
from app.extensions import db
from app.forms import EmptyForm
from app.models import Post
from app.pagination import requested_page
from app.post_lookup import HIDDEN_POST, get_post_or_404
from app.post_pages import post_pages
from app.posts.forms import EditPostForm, ReplyForm

bp = Blueprint("posts", __name__)


def get_own_post_or_403(id: int) -> Post:
    post = get_post_or_404(id)
    if post.user_id != current_user.id:
        abort(403)
    return post


@bp.route("/post/<int:id>", methods=["GET", "POST"])
@login_required
@confirmed_required
def post(id: int):
    """A post with the posts it answers and its replies; reply to it."""
    post = get_post_or_404(id)
    form = ReplyForm()
    if form.validate_on_submit():
        if post.hidden:
            abort(403, description=str(HIDDEN_POST))
        if current_user.either_blocks(post.author):
            flash(_("You cannot reply to this post."), "danger")
            return redirect(url_for(".post", id=post.id))
        resolve_mentions(form.post.data)
        reply = Post.write(current_user, form.post.data, in_reply_to=post)
        db.session.commit()
        outbox.publish_post(reply)
        flash(_("Your reply is now live!"), "success")
        return redirect(url_for(".post", id=reply.id))
    if request.method == "GET":
        form.post.data = f"@{post.author.username} "
    per_page = current_app.config["POSTS_PER_PAGE"]
    thread = post_pages().thread_page(post, requested_page(), per_page, current_user)
    if thread is None or (thread.replies.number > 1 and not thread.replies.items):
        abort(404)
    earlier = post.earlier_texts() if post.user_id == current_user.id and post.edited_at else []
    return render_template(
        "posts/post.html", title=_("Post"), post=post, thread=thread, form=form, earlier=earlier
    )


@bp.route("/post/<int:id>/edit", methods=["GET", "POST"])
@login_required
@confirmed_required
def edit(id: int):
    """Change the text of your post (its earlier texts stay visible to you)."""
    post = get_own_post_or_403(id)
    form = EditPostForm()
    if form.validate_on_submit():
        resolve_mentions(form.post.data)
        if post.edit(form.post.data):
            db.session.commit()
            outbox.publish_update(post)
            flash(_("Your post has been changed."), "success")
        return redirect(url_for(".post", id=post.id))
    if request.method == "GET":
        form.post.data = post.body
    return render_template("form_page.html", title=_("Edit your post"), form=form)


@bp.route("/post/<int:id>/delete", methods=["POST"])
@login_required
@confirmed_required
def delete(id: int):
    """Delete your post; its replies stay, answering a deleted post."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    post = get_own_post_or_403(id)
    parent = post.in_reply_to_id
    told = outbox.deletion(post)
    post.delete()
    db.session.commit()
    outbox.send(told)
    flash(_("Your post has been deleted."), "info")
    if parent is not None:
        return redirect(url_for(".post", id=parent))
    return redirect(url_for("main.user", username=current_user.username))
