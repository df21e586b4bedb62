"""Delete your account, after exporting your posts if you like."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user, logout_user

from app.account.forms import DeleteAccountForm
from app.account.routes import bp
from app.activitypub import outbox
from app.auth.fresh import fresh_login_required
from app.extensions import db
from app.media.uploads import delete_files_after_commit
from app.models import PostImage
from app.models.account_deletion import delete_account


@bp.route("/delete", methods=["GET", "POST"])
@fresh_login_required
def delete():
    """Delete the account and everything in it, for good."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        logout_user()
        told = outbox.farewell(user)  # to servers elsewhere, from what goes with the account
        # The database deletes the image rows with the posts; their files go after the commit.
        delete_files_after_commit(PostImage.keys_of_user(user.id))
        delete_account(user, current_app.config["DELETED_USERNAME_RESERVED_DAYS"])
        db.session.commit()
        outbox.send(told)
        flash(_("Your account has been deleted. Goodbye!"), "info")
        return redirect(url_for("auth.login"))
    return render_template("account/delete.html", title=_("Delete Account"), form=form)
