"""Bench-only ASGI application: the product's routing plus the naive baseline's route.

Serve with `DJANGO_SETTINGS_MODULE=bench.settings daphne bench.asgi:application`. The product's
qiaocamp/asgi.py and live/routing.py are used as they are, not copied.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

# Django must be set up (by qiaocamp.asgi) before any consumer or model is imported.
from qiaocamp.asgi import UnknownPathConsumer, django_asgi_app  # noqa: E402, I001

# isort: split
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from bench.naive import NaiveChatConsumer  # noqa: E402
from bench.patched import DirectDispatchLiveRoomConsumer  # noqa: E402
from live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter(
                    [
                        path("ws/naive/<str:room>/", NaiveChatConsumer.as_asgi()),
                        # The product consumer with the one change proposed in docs/performance.md.
                        path("ws/live-fix/<int:session_id>/", DirectDispatchLiveRoomConsumer.as_asgi()),
                        *websocket_urlpatterns,
                        re_path(r"", UnknownPathConsumer.as_asgi()),
                    ]
                )
            )
        ),
    }
)
