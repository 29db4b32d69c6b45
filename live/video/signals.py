"""A class that ends (or is cancelled) loses its VideoRoom, whichever code changed its state."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from live.models import LiveSession
from live.video import config

CLOSED = (LiveSession.State.ENDED, LiveSession.State.CANCELLED)


@receiver(post_save, sender=LiveSession, dispatch_uid="live_video_room_close")
def close_video_room(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    """Every save that writes a closed state (ending, cancelling; again is harmless: destroying a
    room that is gone is a no-op). Nothing at all without a media server."""
    if raw or created or not config.enabled() or instance.state not in CLOSED:
        return
    if update_fields is not None and "state" not in update_fields:
        return
    from live.video.services import video_room_close

    video_room_close(session_id=instance.pk)
