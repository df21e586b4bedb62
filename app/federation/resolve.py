"""A host's addresses in bounded time: socket.getaddrinfo takes no timeout, and the system's
resolver may try its servers again and again for far longer than FEDERATION_TIMEOUT (a
fetch in a request, or a worker's job, would wait as long). The lookup runs on a daemon
thread of its own, waited for at most the timeout; one that never ends cannot hold up the
process's exit, and at most MAX_LOOKUPS of them are ever waiting on the resolver."""

import socket
import threading
import time
from typing import Any

# Lookups running at once; past that, a new one waits for a free one (within its timeout).
MAX_LOOKUPS = 32
_running = threading.BoundedSemaphore(MAX_LOOKUPS)


def getaddrinfo(host: str, port: int, timeout: float) -> list[tuple[Any, ...]]:
    """socket.getaddrinfo(host, port) for stream sockets; TimeoutError (an OSError, as a
    failed lookup's is) when the resolver has not answered in `timeout` seconds."""
    deadline, running = time.monotonic() + timeout, _running
    if not running.acquire(timeout=timeout):
        raise TimeoutError(f"too many lookups waiting on the resolver for {timeout:g} s")
    outcome: dict[str, Any] = {}

    def look_up() -> None:
        try:
            outcome["answers"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except Exception as error:  # handed to the caller, whatever it is
            outcome["error"] = error
        finally:
            running.release()

    thread = threading.Thread(target=look_up, name="resolve", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # no thread to be had: its slot is not held by anything
        running.release()
        raise
    thread.join(max(deadline - time.monotonic(), 0))
    if thread.is_alive():
        raise TimeoutError(f"no answer from the resolver in {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["answers"]
