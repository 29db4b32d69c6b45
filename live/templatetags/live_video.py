"""`{% video_ticket session member as video %}`: what the room's video part needs (docs/video.md),
or None when there is no media server (the page then shows the meeting link only) or the class
has no video now (cancelled, ended)."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from live.video import provider

register = template.Library()


@register.simple_tag
def video_ticket(session, member):
    engine = provider()
    if engine is None or member is None or session.is_cancelled or session.state == "ended":
        return None
    return engine.issue_join(session, member)


@register.simple_tag
def video_enabled():
    """True when the room has its own video (a media server is configured): the external meeting
    link is then not offered beside it."""
    return provider() is not None


@register.simple_tag
def video_recordings(session, member):
    """The class's ready recordings, for its group once it has ended (live.video.recordings)."""
    from live.video.recordings import recordings_for

    return recordings_for(session, member)


@register.simple_tag
def video_strings():
    """The video client's words, in the viewer's language (json_script keeps them safe)."""
    return {
        "invite": _("Invite to speak"),
        "mute": pgettext("microphone", "Mute"),
        "unmute": _("Let speak"),
        "stop": _("Stop"),
        "invited": _("The teacher invites you to speak: your microphone is on."),
        "invited_camera": _("The teacher invites you to speak: your microphone and camera are on."),
        "muted": _("The teacher muted your microphone."),
        "unmuted": _("The teacher lets you speak again."),
        "stopped": _("You have finished speaking. Thank you!"),
        "refused": _("The server did not allow this."),
        "no_media": _("Your camera or microphone could not be turned on."),
        "unavailable": _("The video is not available right now. The chat still works."),
        "connecting": _("Connecting the video…"),
        "on_air": _("The class sees and hears you."),
        "ended": _("The video has ended."),
        "record": _("Record"),
        "recording": _("Recording… (stop)"),
    }
