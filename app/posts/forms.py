"""Forms of the posts blueprint: a reply, and an edit of your post."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.main.forms import POST_MAX
from app.models.post_text import as_written

TOO_LONG = _l("A post can be at most %(max)d characters long.")


class ReplyForm(FlaskForm):
    # As the post form: microblog.js counts (data-max-length), the server says what is too long.
    # The id is a Reply link's fragment (/post/N#reply): the browser focuses the box it names.
    post = TextAreaField(
        _l("Your reply"),
        id="reply",
        filters=[as_written],
        validators=[DataRequired(), Length(max=POST_MAX, message=TOO_LONG)],
        render_kw={"maxlength": False, "data-max-length": POST_MAX},
    )
    submit = SubmitField(_l("Reply"))


class EditPostForm(FlaskForm):
    post = TextAreaField(
        _l("Your post"),
        filters=[as_written],
        validators=[DataRequired(), Length(max=POST_MAX, message=TOO_LONG)],
        render_kw={"maxlength": False, "data-max-length": POST_MAX},
    )
    submit = SubmitField(_l("Save"))
