from django.urls import path

from live.consumers import LiveRoomConsumer
from live.video.relay import VideoRelayConsumer

websocket_urlpatterns = [
    path("ws/live/<int:session_id>/", LiveRoomConsumer.as_asgi()),
    # The class's video: janus.js speaks the Janus API to this relay (live/video/relay.py).
    path("ws/live/<int:session_id>/video/", VideoRelayConsumer.as_asgi()),
]
