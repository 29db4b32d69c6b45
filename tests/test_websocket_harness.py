import pytest

from tests.ws import open_socket


@pytest.mark.django_db(transaction=True)
async def test_unknown_websocket_path_is_refused():
    communicator, connected, code = await open_socket("/ws/nowhere/")
    assert not connected and code == 4404
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_foreign_origin_is_refused_before_routing():
    communicator, connected, _detail = await open_socket("/ws/nowhere/", origin=b"https://evil.example")
    assert not connected
    await communicator.disconnect()
