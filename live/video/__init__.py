"""Video in the live room (docs/video.md): the provider seam and its Janus implementation.

`provider()` is the configured media server, or None when there is none (JANUS_URL empty): then
the room shows the class's meeting link as before, and nothing here is used.

- `base.VideoProvider`: the seam (`issue_join`, `allow_speak`, `mute`, `remove`, `room_close`;
  attendance from media events), so a deployment can point it at another engine later.
- `janus.JanusProvider`: Janus's VideoRoom, driven over its WebSocket API from the server.
- `relay.VideoRelayConsumer`: the browser's janus.js talks to OUR socket
  (/ws/live/<id>/video/), which checks access and role on every request, adds the secrets and
  forwards to Janus; nothing secret reaches the browser.
- `services`: invitations to speak (the teacher's invite / mute / stop), one row per youth.
- `signals`: a class that ends or is cancelled has its VideoRoom destroyed.
"""

from live.video import config


def provider():
    """The configured provider, or None (no media server: the meeting-link fallback)."""
    if not config.enabled():
        return None
    from live.video.janus import JanusProvider

    return JanusProvider()
