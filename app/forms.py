"""Forms every blueprint shares."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state (logout, follow)."""
