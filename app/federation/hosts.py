"""The hosts the site refuses to talk to (its domain blocks, which app/activitypub registers
with set_host_policy): no document is fetched from them and nothing is delivered to them."""

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flask import Flask

# Given hosts (host[:port], lower case), those no request may go to.
RefusedHosts = Callable[[Iterable[str]], set[str]]
EXTENSION = "federation_refused_hosts"


def set_host_policy(app: Flask, refused_hosts: RefusedHosts) -> None:
    app.extensions[EXTENSION] = refused_hosts


def host_of(url: str) -> str:
    """The host[:port] of a URL as a domain block names it: lower case, without user info."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()
