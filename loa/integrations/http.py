"""One shared httpx client per timeout: building one loads the CA bundle (a few hundred ms)."""

import threading

import httpx

_clients = {}
_lock = threading.Lock()


def shared_client(timeout):
    with _lock:
        client = _clients.get(timeout)
        if client is None or client.is_closed:
            client = _clients[timeout] = httpx.Client(
                timeout=httpx.Timeout(timeout, connect=min(timeout, 10)), headers={"User-Agent": "Loa/1"}
            )
        return client
