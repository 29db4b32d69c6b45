import pytest

from tests.ws import open_socket


@pytest.mark.django_db(transaction=True)
async def test_unknown_websocket_path_is_accepted_then_closed_4404():
    """Accepted first, so a browser sees 4404 rather than a failed handshake (1006): docs/live-protocol.md."""
    communicator, connected, _subprotocol = await open_socket("/ws/nowhere/")
    assert connected
    assert await communicator.receive_output(timeout=3) == {"type": "websocket.close", "code": 4404}
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_foreign_origin_is_refused_before_routing():
    communicator, connected, _detail = await open_socket("/ws/nowhere/", origin=b"https://evil.example")
    assert not connected
    await communicator.disconnect()
