"""Forms of the main blueprint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.auth.forms import USERNAME_MAX, check_username
from app.media.images import ImageRejected, ProcessedImage
from app.media.uploads import processed_upload
from app.models.post_image import ALT_MAX, MAX_IMAGES
from app.models.post_text import as_written

POST_MAX = 280
IMAGE_TYPES = "image/jpeg,image/png,image/webp,image/gif"


def image_field(number: int) -> FileField:
    return FileField(_l("Image %(number)d", number=number), render_kw={"accept": IMAGE_TYPES})


def alt_field(number: int) -> StringField:
    return StringField(
        _l("Description of image %(number)d, for people who cannot see it", number=number),
        validators=[Length(max=ALT_MAX)],
    )


class PostForm(FlaskForm):
    # No maxlength attribute: it cuts a paste off mid-word without a word. microblog.js
    # counts instead (data-max-length) and the server says what is too long.
    post = TextAreaField(
        _l("Say something"),
        filters=[as_written],
        validators=[
            DataRequired(),
            Length(max=POST_MAX, message=_l("A post can be at most %(max)d characters long.")),
        ],
        render_kw={"maxlength": False, "data-max-length": POST_MAX},
        description=_l(
            "Markdown: *emphasis*, `code`, [links](https://…), lists, > quotes; @name, #tag."
        ),
    )
    # Four pairs of plain fields, so that the form works without JavaScript.
    image_1, alt_1 = image_field(1), alt_field(1)
    image_2, alt_2 = image_field(2), alt_field(2)
    image_3, alt_3 = image_field(3), alt_field(3)
    image_4, alt_4 = image_field(4), alt_field(4)
    submit = SubmitField(_l("Submit"))
    # Shows the post as it will look, above the form with its text kept; writes nothing.
    preview = SubmitField(_l("Preview"))

    def image_pairs(self) -> list[tuple[FileField, StringField]]:
        return [(self[f"image_{n}"], self[f"alt_{n}"]) for n in range(1, MAX_IMAGES + 1)]

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then each chosen image: it needs its description, and
        must decode (self.uploads then holds the (image, alt text) pairs to store)."""
        valid = super().validate(extra_validators)
        self.uploads: list[tuple[ProcessedImage, str]] = []
        for image, alt in self.image_pairs():
            if not image.data:
                continue
            if not (alt.data or "").strip():
                alt.errors.append(_l("Describe this image for people who cannot see it."))
                valid = False
            try:
                upload = processed_upload(image.data.stream)
            except ImageRejected as rejected:
                image.errors.append(rejected.message)
                valid = False
            else:
                self.uploads.append((upload, alt.data or ""))
        return valid


class EditProfileForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=USERNAME_MAX)])
    about_me = TextAreaField(_l("About me"), validators=[Length(max=140)])
    # ActivityPub's manuallyApprovesFollowers (app/models/follow_request.py).
    approve_followers = BooleanField(
        _l("Approve followers"),
        description=_l("People ask to follow you, and follow you once you accept."),
    )
    # user.fediverse_messages: off until the user reads this and turns it on.
    fediverse_messages = BooleanField(
        _l("Send private messages to other servers"),
        description=_l(
            "Your private messages to people on other servers of the fediverse (Mastodon and "
            "others) go there as direct posts. They are not end-to-end encrypted: the admins "
            "of this site and of their server can read them. Off: such messages are not sent."
        ),
    )
    submit = SubmitField(_l("Submit"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_username(self, field) -> None:
        check_username(field.data.strip(), current=self.user)
