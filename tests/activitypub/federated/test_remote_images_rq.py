"""With Redis, a remote post's images are a job on the queue of the images' host, run by the
federation worker, not by the inbox."""

import pytest
from rq import Queue
from sqlalchemy import select

from app.extensions import db
from app.models import Post
from tests.activitypub.federated.remote import SETTINGS
from tests.activitypub.federated.test_remote_images import JPEG, image, susan_follows_bob
from tests.conftest import AuthActions
from tests.federation.servers import Reply
from tests.federation.test_delivery_rq import prefix, work  # noqa: F401  (prefix: a fixture)
from tests.media.samples import jpeg

pytestmark = pytest.mark.redis


@pytest.fixture
def app(make_app, redis_url, prefix):  # noqa: F811
    app = make_app(**{**SETTINGS, "REDIS_URL": redis_url, "FEDERATION_QUEUE_PREFIX": prefix})
    yield app
    app.extensions["federation_runner"].connection.close()


def test_the_images_wait_in_their_hosts_queue_for_the_worker(app, client, bob, prefix):  # noqa: F811
    susan_follows_bob(app, client, bob)
    bob.server.routes["/photo.jpg"] = Reply(200, jpeg(), JPEG)
    note = bob.note("<p>queued</p>", attachment=[image(f"{bob.server.url}/photo.jpg", "A photo")])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    connection = app.extensions["federation_runner"].connection
    queue = Queue(prefix + bob.server.url.removeprefix("http://"), connection=connection)
    assert queue.count == 1
    assert not [r for r in bob.server.received if r.path == "/photo.jpg"]
    with app.app_context():
        assert db.session.scalar(select(Post.image_count).where(Post.uri == note["id"])) == 0
    AuthActions(client).login("susan")
    assert "queued" in client.get("/index").text  # its article kept without the image
    work(app, prefix)
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.uri == note["id"]))
        assert post.image_count == 1 and post.images[0].alt == "A photo"
    assert 'alt="A photo"' in client.get("/index").text
