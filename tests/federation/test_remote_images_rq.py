"""With Redis, a remote post's images are a job of their own on the queue of the images'
host: the worker handles the Create (the post, without images), then, as a separate job,
fetches and stores the images."""

import pytest
from rq import Queue
from sqlalchemy import select

from app.extensions import db
from app.federation.worker import FederationWorker
from app.models import Post
from tests.activitypub.federated.remote import SETTINGS, remote_server
from tests.activitypub.federated.test_remote_images import JPEG, image, susan_follows_bob
from tests.conftest import AuthActions
from tests.federation.servers import Reply
from tests.media.samples import jpeg

pytestmark = pytest.mark.redis


@pytest.fixture
def app(make_rq_app):
    return make_rq_app(**SETTINGS)


@pytest.fixture
def bob(alice_key):
    with remote_server(alice_key, {}) as remote:
        yield remote


def work(app, rescan: float) -> None:
    """The federation worker in this process, until the queues it knows of are empty; it
    looks for new queues again only after `rescan` seconds."""
    FederationWorker.for_app(app, rescan=rescan).work(burst=True)


def test_the_images_are_a_job_of_their_own_on_their_hosts_queue(app, bob):
    client = app.test_client()
    susan_follows_bob(app, client, bob)
    work(app, rescan=0)
    bob.server.routes["/photo.jpg"] = Reply(200, jpeg(), JPEG)
    note = bob.note("<p>queued</p>", attachment=[image(f"{bob.server.url}/photo.jpg", "A photo")])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    # The Create alone: the worker knows only the inbox's queue, and looks no further.
    work(app, rescan=3600)
    connection = app.extensions["federation_jobs"].connection
    images = Queue(
        app.config["FEDERATION_QUEUE_PREFIX"] + bob.server.url[7:], connection=connection
    )
    assert images.count == 1
    assert not [r for r in bob.server.received if r.path == "/photo.jpg"]
    with app.app_context():
        assert db.session.scalar(select(Post.image_count).where(Post.uri == note["id"])) == 0
    AuthActions(client).login("susan")
    assert "queued" in client.get("/index").text  # its article kept without the image
    work(app, rescan=0)
    assert images.count == 0
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.uri == note["id"]))
        assert post.image_count == 1 and post.images[0].alt == "A photo"
    assert 'alt="A photo"' in client.get("/index").text


@pytest.mark.parametrize(("answers", "fetches", "kept"), [
    ([503, 200], 2, ["a.jpg", "b.jpg"]),  # the second try has it
    ([503, 429, 503], 3, ["b.jpg"]),  # every try missed it: the last keeps the others
])  # fmt: skip
def test_an_image_that_may_come_later_is_tried_again(make_rq_app, bob, answers, fetches, kept):
    app = make_rq_app(**SETTINGS, FEDERATION_IMAGE_RETRY_INTERVALS=[0, 0])
    client = app.test_client()
    susan_follows_bob(app, client, bob)
    statuses = iter(answers)

    def answer(received):
        if received.path == "/a.jpg":
            status = next(statuses)
            return Reply(status, jpeg() if status == 200 else b"not now", JPEG)
        return Reply(200, jpeg(), JPEG)

    bob.server.answer = answer
    urls = [f"{bob.server.url}/{name}" for name in ("a.jpg", "b.jpg")]
    note = bob.note("<p>later</p>", attachment=[image(url, url[-5:]) for url in urls])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    work(app, rescan=0)  # the Create, then the images' job and its tries (at once: 0 s)
    assert [r.path for r in bob.server.received].count("/a.jpg") == fetches
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.uri == note["id"]))
        assert [i.source_url.rpartition("/")[2] for i in post.images] == kept
