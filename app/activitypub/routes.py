"""The site as an ActivityPub server, read side: discovery (WebFinger, host-meta, NodeInfo),
each user's actor and collections, and each post as a Note, as Mastodon fetches them.

Only on a site that federates (negotiation.federating): elsewhere every URL here is a 404.
The inboxes take activities signed by their actors (inbox.py).
"""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    request,
    url_for,
)
from sqlalchemy import select

from app.activitypub import collections, documents, instance_actor
from app.activitypub.authorized_fetch import (
    allowed,
    open_actor,
    require_signature,
    signature_required,
)
from app.activitypub.discovery import (
    JRD_TYPE,
    NODEINFO_TYPE,
    XRD_TYPE,
    BadResource,
    host_meta,
    nodeinfo,
    nodeinfo_links,
    requested_username,
    webfinger,
)
from app.activitypub.inbox import receive
from app.activitypub.negotiation import activity_response, federating, wants_activity_json
from app.extensions import csrf, db
from app.models import Post, ReservedUsername, User, user_by_username
from app.models.moderation import visible_post
from app.models.types import MAX_ID
from app.models.username import normalize_username
from app.rate_limits import inbox_limits
from app.security import canonical_url_for

bp = Blueprint("activitypub", __name__)
bp.add_app_template_global(federating)


@bp.before_request
def federating_or_404() -> None:
    if not federating():
        abort(404)


def local_user_or_abort(username: str) -> User:
    """The local user of this name; 410 for one suspended or deleted (their name still
    reserved), 404 for none or another server's account."""
    user = user_by_username(username) if "@" not in username else None
    if user is None:
        reserved = select(ReservedUsername.id).where(
            ReservedUsername.username == normalize_username(username)
        )
        abort(410 if "@" not in username and db.session.scalar(reserved) else 404)
    if user.is_remote:
        abort(404)
    if user.is_suspended:
        abort(410)
    return user


def listed_post_or_abort(id: int) -> Post:
    """A post of ours anyone may read: 404 for one hidden, from elsewhere or never written,
    410 with its author suspended."""
    post = visible_post(id, None)
    if post is None:
        # A suspended author's posts are hidden with them: gone, like the author's actor.
        hidden = db.session.get(Post, id) if 1 <= id <= MAX_ID else None
        author = hidden.author if hidden is not None else None
        abort(410 if author is not None and author.is_suspended and not author.is_remote else 404)
    if post.author.is_remote:
        abort(404)
    return post


def page_number() -> int:
    """?page=N of a collection, from 1 (400 for anything else)."""
    return int_argument("page", minimum=1) or 1


def int_argument(name: str, minimum: int = 0) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    if not value.isdecimal() or not minimum <= int(value) <= MAX_ID:
        abort(400)
    return int(value)


@bp.route("/.well-known/webfinger")
def webfinger_lookup():
    """Who acct:name@host is: the address of their actor (RFC 7033)."""
    resource = request.args.get("resource", "")
    if not resource:
        abort(400)
    try:
        username = requested_username(resource)
    except BadResource:
        abort(400)
    user = local_user_or_abort(username) if username else abort(404)
    response = jsonify(webfinger(user))
    response.content_type = JRD_TYPE
    response.access_control_allow_origin = "*"
    return response


@bp.route("/.well-known/host-meta")
def host_meta_document():
    """Where WebFinger is, for clients that ask host-meta first."""
    response = Response(host_meta(), content_type=XRD_TYPE)
    response.access_control_allow_origin = "*"
    return response


@bp.route("/.well-known/nodeinfo")
def nodeinfo_index():
    """Where this server's NodeInfo document is."""
    return jsonify(nodeinfo_links(canonical_url_for("activitypub.nodeinfo_document")))


@bp.route("/nodeinfo/2.1")
def nodeinfo_document():
    """What software this server runs and how many use it (NodeInfo 2.1)."""
    response = jsonify(nodeinfo())
    response.content_type = NODEINFO_TYPE
    return response


@bp.route("/users/<username>")
def actor(username: str):
    """A user's actor for ActivityPub clients; people are sent to their profile."""
    user = local_user_or_abort(username)
    if not wants_activity_json():
        response = redirect(url_for("main.user", username=user.username))
        response.vary.add("Accept")
        return response
    document = documents.person(user)
    db.session.commit()  # the user's key, if it was made just now
    return activity_response(document if allowed() else open_actor(document))


@bp.route("/actor", endpoint="instance_actor")
def instance_actor_document():
    """The site's own actor, whose key signs what the site fetches; people see the front page."""
    if not wants_activity_json():
        response = redirect(url_for("main.front"))
        response.vary.add("Accept")
        return response
    return activity_response(instance_actor.document())


@bp.route("/users/<username>/outbox")
@signature_required
def outbox(username: str):
    """A user's posts as Create activities: the collection, or a page of it (?page=true,
    then max_id for older posts or min_id for newer ones)."""
    user = local_user_or_abort(username)
    outbox_id = documents.collection_id(user, "outbox")
    if request.args.get("page") != "true":
        total = collections.outbox_total(user)
        return activity_response(documents.ordered_collection(outbox_id, total, outbox_url(user)))
    max_id, min_id = int_argument("max_id"), int_argument("min_id")
    page = collections.outbox_page(user, page_size(), max_id=max_id, min_id=min_id)
    known = collections.mentioned_users(page.posts)
    # The page's context covers its items': they carry none of their own.
    items = [without_context(documents.create(post, known)) for post in page.posts]
    posts = page.posts
    older = outbox_url(user, max_id=posts[-1].id) if posts and page.has_older else None
    newer = outbox_url(user, min_id=posts[0].id) if posts else None
    this = outbox_url(user, max_id=max_id, min_id=min_id)
    return activity_response(
        documents.collection_page(
            this, outbox_id, items, older, newer, context=documents.NOTE_CONTEXT
        )
    )


def without_context(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "@context"}


def outbox_url(user: User, **cursor: int | None) -> str:
    """A page of the user's outbox: the newest, or older than max_id, or newer than min_id."""
    values = {key: value for key, value in cursor.items() if value is not None}
    return canonical_url_for("activitypub.outbox", username=user.username, page="true", **values)


def page_size() -> int:
    return current_app.config["ACTIVITYPUB_PAGE_SIZE"]


def follow_collection(username: str, collection: str):
    """A user's followers or following: the count, or (?page=N) a page of actor ids."""
    user = local_user_or_abort(username)
    collection_id = documents.collection_id(user, collection)
    endpoint = f"activitypub.{collection}"
    if "page" not in request.args:
        total = collections.follow_total(user, collection)
        first = canonical_url_for(endpoint, username=user.username, page=1)
        return activity_response(documents.ordered_collection(collection_id, total, first))
    number = page_number()
    ids, more = collections.follow_page(user, collection, number, page_size())

    def page_url(n: int) -> str:
        return canonical_url_for(endpoint, username=user.username, page=n)

    return activity_response(
        documents.collection_page(
            page_url(number),
            collection_id,
            ids,
            next=page_url(number + 1) if more else None,
            prev=page_url(number - 1) if number > 1 else None,
        )  # fmt: skip
    )


@bp.route("/users/<username>/followers")
@signature_required
def followers(username: str):
    """Who follows a user."""
    return follow_collection(username, "followers")


@bp.route("/users/<username>/following")
@signature_required
def following(username: str):
    """Whom a user follows."""
    return follow_collection(username, "following")


@bp.route("/users/<username>/featured")
@signature_required
def featured(username: str):
    """A user's pinned posts: none, as the site has no pins."""
    user = local_user_or_abort(username)
    featured_id = documents.collection_id(user, "featured")
    return activity_response(documents.ordered_collection(featured_id, 0, items=[]))


@bp.route("/post/<int:id>/activity")
@signature_required
def post_activity(id: int):
    """The Create activity that published a post."""
    return activity_response(documents.create(listed_post_or_abort(id)))


@bp.route("/users/<username>/inbox", methods=["POST"])
@csrf.exempt
@inbox_limits
def inbox(username: str):
    """A user's inbox: activities from other servers, signed by their actors."""
    local_user_or_abort(username)
    return receive()


@bp.route("/inbox", methods=["POST"])
@csrf.exempt
@inbox_limits
def shared_inbox():
    """The server's shared inbox: activities for any of its users."""
    return receive()


@bp.before_app_request
def post_as_note():
    """A post's page answers an ActivityPub client with the Note: the post's id is its page."""
    if request.endpoint != "posts.post" or request.method not in ("GET", "HEAD"):
        return None
    if not wants_activity_json() or not federating():
        return None
    require_signature()
    id = (request.view_args or {}).get("id", 0)
    return activity_response(documents.note(listed_post_or_abort(id)))


@bp.after_app_request
def vary_post_pages(response: Response) -> Response:
    """A post's page is its Note to ActivityPub clients: a cache must keep the two apart."""
    if request.endpoint == "posts.post" and federating():
        response.vary.add("Accept")
    return response
