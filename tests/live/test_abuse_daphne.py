"""Issue #12 on a real daphne (autobahn), where the in-process communicator cannot tell: the close
codes a client really sees. autobahn lets an application send only 1000 and 3000-4999, so 1009 from
the consumer ended as an aborted connection; a refused handshake (close before accept) is 1006 in
a browser."""

import asyncio
import json

import pytest
from django.conf import settings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)


async def _close_code(ws, timeout: float = 10) -> int:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else 1006


def test_close_codes_as_a_client_sees_them_on_daphne(live_session, youth):
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_cookie_value(youth)}"}

    async def scenario(host):
        def open_(path):
            return connect(f"ws://{host}{path}", origin=f"http://{host}", additional_headers=cookie,
                           max_size=None)

        results = {}
        async with open_("/ws/nowhere/") as ws:  # accepted (no InvalidStatus), then 4404
            results["unknown path"] = await _close_code(ws)
        room = f"/ws/live/{live_session.pk}/"
        async with open_(room) as ws:
            assert json.loads(await ws.recv())["type"] == "welcome"
            await ws.send(json.dumps({"type": "chat", "text": "hi \ud800", "client_id": "c1"}))
            while (frame := json.loads(await asyncio.wait_for(ws.recv(), 10)))["type"] != "error":
                pass
            results["surrogate"] = frame["code"]
            await ws.send(json.dumps({"type": "chat", "text": "x" * 70_000, "client_id": "c2"}))
            results["over 64 KiB"] = await _close_code(ws)
        async with open_(room) as ws:
            try:
                await ws.send(json.dumps({"type": "chat", "text": "x" * (2 * 1024 * 1024), "client_id": "c3"}))
            except ConnectionClosed:
                pass  # daphne may drop it while it is still being written
            results["over 1 MiB"] = await _close_code(ws)  # daphne's own limit, before the consumer
        return results

    with daphne(redis=None) as host:
        try:
            results = asyncio.run(scenario(host))
        except InvalidStatus as refused:  # the handshake was refused: the old unknown-path behaviour
            pytest.fail(f"handshake refused: {refused}")
    # Over daphne's own 1 MiB limit autobahn drops the connection before the consumer sees the frame.
    assert results.pop("over 1 MiB") in (1006, 1009)
    assert results == {"unknown path": 4404, "surrogate": "bad_request", "over 64 KiB": 4413}
