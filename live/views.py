"""The live room's pages. The room itself talks over the WebSocket (live/consumers.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from camp.errors import message_error
from camp.models import User
from live import selectors, services
from live.access import get_session_for_user
from live.services.attendance import attendance_summary
from live.services.blocklist import REFUSAL_MESSAGES
from live.services.errors import BAD_REQUEST, MESSAGES, LiveError
from live.services.room import opens_at


# What the JS client says, translated here so that quotes in a translation cannot break it.
def room_strings() -> dict[str, str]:
    return {
        "connected": _("connected"),
        "reconnecting": _("reconnecting…"),
        "connecting": _("connecting…"),
        "sending": _("sending…"),
        "delete": _("Delete"),
        "report": _("Report"),
        "reported": _("Reported — thank you."),
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "remove": _("Remove from class"),
        "lower": _("Lower hand"),
        "raise": _("Raise hand"),
        "upvote": _("Me too"),
        "answer": _("Mark answered"),
        "answered": _("answered"),
        "close_poll": _("Close the poll"),
        "closed": _("closed"),
        "votes": _("votes"),
        "react": _("React"),
        "you_muted": _("The teacher has muted you. You can still read the chat."),
        "removed": _("The teacher has removed you from this class."),
        "not_logged_in": _("Please sign in again."),
        "forbidden": _("You are not in this class."),
        "not_found": _("This class does not exist."),
        "state_scheduled": _("Scheduled"),
        "state_open": _("Open"),
        "state_live": _("Live"),
        "state_ended": _("Ended"),
        **{f"err_{code}": str(message) for code, message in MESSAGES.items()},
        **{f"err_blocked_content_{reason}": str(message) for reason, message in REFUSAL_MESSAGES.items()},
        "deleted_note": _("message removed"),
        **{f"role_{value}": str(label) for value, label in User.Role.choices},
    }


@login_required
@require_GET
def session_list(request):
    """The rooms the user runs, watches or attends."""
    if request.user.is_youth:
        context = selectors.home_context(request.user)
    else:
        context = {"live_rooms": selectors.rooms_for_adult(request.user)}
    return render(request, "live/session_list.html", context)


@login_required
@require_GET
def room(request, pk: int):
    """The room page: chat, online list, hands, questions, polls. The JS client does the rest."""
    session, member = get_session_for_user(request.user, pk)
    services.live_session_open_if_due(session_id=session.pk)
    return _room_page(request, session, member)


def _room_page(request, session, member, *, status: int = 200):
    session.refresh_from_db()
    return render(request, "live/room.html", {
        "session": session,
        "member": member,
        "lesson": session.plan_item.lesson,
        "group": session.plan_item.plan.group,
        "opens_at": opens_at(session),
        "ws_path": f"/ws/live/{session.pk}/",
        "reactions": services.REACTIONS,
        "strings": room_strings(),
    }, status=status)


@login_required
@require_GET
def attendance(request, pk: int):
    """Who came, when, for how long: the teacher and organizers, and the group's coordinators."""
    session, member = get_session_for_user(request.user, pk)
    if member.is_youth:
        raise PermissionDenied
    rows = services.attendance_for_session(session)
    return render(request, "live/attendance.html", {
        "session": session,
        "member": member,
        "group": session.plan_item.plan.group,
        "rows": rows,
        "summary": attendance_summary(rows),
        "window": services.session_window(session),
    })


@login_required
@require_POST
def session_state(request, pk: int):
    """Start or end the class (the form behind the teacher's buttons); a refusal shows on the room page."""
    session, member = get_session_for_user(request.user, pk)
    if not member.is_moderator:
        raise PermissionDenied
    action = request.POST.get("action")
    service = {"start": services.live_session_start, "end": services.live_session_end}.get(action)
    try:
        if service is None:
            raise LiveError(BAD_REQUEST, "action must be start or end")
        service(session_id=session.pk, member=member)
    except ValidationError as error:
        message_error(request, error)
        return _room_page(request, session, member, status=400)
    return redirect("live:room", pk=session.pk)


@login_required
@require_POST
def video_link(request, pk: int):
    """The teacher (or an organizer) sets the class's video meeting link on the room page."""
    session, member = get_session_for_user(request.user, pk)
    if not member.is_moderator:
        raise PermissionDenied
    try:
        services.live_session_video_link_set(session_id=session.pk, member=member,
                                             url=request.POST.get("video_url", ""))
    except ValidationError as error:
        message_error(request, error)
        return _room_page(request, session, member, status=400)
    messages.success(request, _("The video link is saved."))
    return redirect("live:room", pk=session.pk)
