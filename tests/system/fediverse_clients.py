"""The people of the two-instance system tests (tests/system/fediverse.py): a visitor at a
site's pages (Browser) and a script at its JSON API (Api), both logged in as one of its
users; and eventually(), which waits for what crosses between the sites in the background."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import requests

from tests.system.harness import Client

if TYPE_CHECKING:
    from tests.system.fediverse import Instance

PASSWORD = "correct horse battery"
# Generous for a loaded machine: the tests wait for an arrival, never for a duration.
DEADLINE = 60
# A request on the Follow requests page: its row, the asker's name, then its Accept button.
FOLLOW_REQUEST = re.compile(
    r'border-bottom py-2">\s*<a href="[^"]+">([^<]+)</a>.*?/follow-requests/(\d+)/accept', re.S
)


class Browser(Client):
    """A logged-in visitor of one site, at the pages people use."""

    def __init__(self, site: Instance, username: str) -> None:
        super().__init__(site.url, timeout=60)
        self.site = site
        self.username = username

    def find(self, handle: str) -> str:
        """Type `handle` in the search box: the address of their profile here."""
        response = self.get("/search", params={"q": handle})
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def button(self, path: str, page: str) -> requests.Response:
        """Press the button on `page` that POSTs to `path`."""
        response = self.post(path, {}, form=page)
        assert response.status_code == 302, (path, response.status_code, response.text[:500])
        return response

    def follow(self, username: str) -> requests.Response:
        return self.button(f"/follow/{username}", f"/user/{username}")

    def unfollow(self, username: str) -> requests.Response:
        return self.button(f"/unfollow/{username}", f"/user/{username}")

    def follow_requests(self) -> dict[str, int]:
        """Who asks to follow the user, on their Follow requests page: name -> request id."""
        page = self.get("/follow-requests").text
        return {name: int(id) for name, id in FOLLOW_REQUEST.findall(page)}

    def edit(self, post_id: int, body: str) -> None:
        response = self.post(f"/post/{post_id}/edit", {"post": body})
        assert response.status_code == 302, response.text[:500]

    def reply(self, post_id: int, body: str) -> int:
        """Answer the post from its page; the reply's id."""
        response = self.post(f"/post/{post_id}", {"post": body})
        assert response.status_code == 302, response.text[:500]
        return int(response.headers["Location"].rstrip("/").rpartition("/")[2])


class Api:
    """The site's JSON API, with a token of `username`'s."""

    def __init__(self, site: Instance, username: str) -> None:
        self.site = site
        self.session = requests.Session()
        response = self.session.post(
            f"{site.url}/api/tokens", auth=(username, PASSWORD), timeout=60
        )
        assert response.status_code == 201, response.text
        self.session.headers["Authorization"] = f"Bearer {response.json()['token']}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, f"{self.site.url}/api{path}", timeout=60, **kwargs)

    def get(self, path: str) -> Any:
        response = self.call("GET", path)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    def user_id(self, username: str) -> int:
        users = self.get("/users?per_page=100")["items"]
        found = [user["id"] for user in users if user["username"] == username]
        assert found, f"no user {username} at {self.site.name}"
        return found[0]

    def names(self, path: str) -> list[str]:
        """The usernames of a list of users (followers, following, likes)."""
        return [user["username"] for user in self.get(path)["items"]]

    def bodies(self, path: str) -> list[str]:
        """The texts of a list of posts (a timeline, replies)."""
        return [post["body"] for post in self.get(path)["items"]]

    def write(self, body: str, in_reply_to: int | None = None) -> int:
        data: dict[str, Any] = {"body": body}
        if in_reply_to is not None:
            data["in_reply_to"] = in_reply_to
        response = self.call("POST", "/posts", json=data)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def change(self, method: str, path: str, **kwargs) -> None:
        response = self.call(method, path, **kwargs)
        assert response.status_code in (200, 204), (path, response.status_code, response.text)

    def post_with(self, body: str, path: str = "/timeline") -> dict | None:
        """The post of this text in a list of posts (the token user's timeline), if there."""
        found = [post for post in self.get(f"{path}?per_page=100")["items"] if post["body"] == body]
        return found[0] if found else None


def eventually(check: Callable[[], Any], *sites: Instance, deadline: float = DEADLINE) -> Any:
    """What `check` returns once it is truthy, asked again until `deadline` seconds have
    gone by (an activity crosses between the sites in the background)."""
    end = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > end:
            logs = "\n".join(site.logs() for site in sites)
            raise AssertionError(f"not so after {deadline}s: {check.__doc__ or check}\n{logs}")
        time.sleep(0.25)
