"""The API blueprint. Its routes live in one module a concept (users, posts, tokens)."""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__)
# The API authenticates by header, never by cookie, so a forged cross-site request carries
# no credentials and CSRF tokens would only get in the way.
csrf.exempt(bp)
