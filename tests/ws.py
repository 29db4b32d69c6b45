"""WebSocket test harness: real ASGI stack (origin check, session auth, routing) in-process."""

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

ORIGIN = b"http://testserver"


@sync_to_async
def session_cookie_for(user) -> str:
    """A real Django session for `user`, as the browser's cookie header would carry it."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def open_socket(path: str, user=None, origin: bytes = ORIGIN, connect: bool = True):
    """Connect to `path` through qiaocamp.asgi.application as `user` (None: anonymous).

    Returns (communicator, connected, close_code_or_subprotocol) like `communicator.connect()`.
    """
    from qiaocamp.asgi import application

    headers = [(b"origin", origin), (b"host", b"testserver")]
    if user is not None:
        headers.append((b"cookie", (await session_cookie_for(user)).encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    if not connect:
        return communicator, None, None
    connected, detail = await communicator.connect(timeout=5)
    return communicator, connected, detail
