"""Forms of the main blueprint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.auth.forms import USERNAME_MAX, check_username

POST_MAX = 280


class PostForm(FlaskForm):
    # No maxlength attribute: it cuts a paste off mid-word without a word. microblog.js
    # counts instead (data-max-length) and the server says what is too long.
    post = TextAreaField(
        _l("Say something"),
        validators=[
            DataRequired(),
            Length(max=POST_MAX, message=_l("A post can be at most %(max)d characters long.")),
        ],
        render_kw={"maxlength": False, "data-max-length": POST_MAX},
        description=_l(
            "Markdown: *emphasis*, `code`, [links](https://…), lists, > quotes; @name, #tag."
        ),
    )
    submit = SubmitField(_l("Submit"))
    # Shows the post as it will look, above the form with its text kept; writes nothing.
    preview = SubmitField(_l("Preview"))


class EditProfileForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=USERNAME_MAX)])
    about_me = TextAreaField(_l("About me"), validators=[Length(max=140)])
    submit = SubmitField(_l("Submit"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_username(self, field) -> None:
        check_username(field.data.strip(), current=self.user)
