import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiaocamp.settings")
# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.generic.websocket import WebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from live.routing import websocket_urlpatterns  # noqa: E402
from qiaocamp.middleware import (  # noqa: E402
    ClientAddressASGIMiddleware,
    RequestSizeASGIMiddleware,
    SameOriginWebsocketMiddleware,
)


class UnknownPathConsumer(WebsocketConsumer):
    """Any WebSocket path we do not serve: accept, then close with 4404 (docs/live-protocol.md §1),
    rather than an exception. Closing before accepting would refuse the handshake (HTTP 403) and a
    browser would only see 1006."""

    def connect(self):
        self.accept()
        self.close(code=4404)


sockets = URLRouter([*websocket_urlpatterns, re_path(r"", UnknownPathConsumer.as_asgi())])
application = ProtocolTypeRouter(
    {
        # HTTP: a body over QIAOCAMP_MAX_REQUEST_BYTES is never handed to Django (413); the client's
        # address is set by qiaocamp.middleware.ClientAddressMiddleware, as under WSGI.
        "http": RequestSizeASGIMiddleware(django_asgi_app),
        # WebSocket: our origin only (port included), the client's address as the proxy saw it.
        "websocket": SameOriginWebsocketMiddleware(ClientAddressASGIMiddleware(AuthMiddlewareStack(sockets))),
    }
)
