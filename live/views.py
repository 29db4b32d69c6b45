"""The live room's pages. The room itself talks over the WebSocket (live/consumers.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camp.access import camps_for_user, visible_groups
from camp.errors import error_redirect, form_error, message_error
from camp.models import User
from live import selectors, services
from live.access import (
    ceremony_groups,
    get_blocked_term_for_user,
    get_camp_for_blocklist,
    get_ceremony_for_user,
    get_phase_for_ceremonies,
    get_session,
    get_session_for_user,
    removed_from,
)
from live.forms import BlockedTermForm, CeremonyForm, TryPhraseForm
from live.models import BlockedTerm
from live.services import blocked_terms, ceremonies
from live.services.attendance import attendance_by_group, attendance_summary
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
        "lost_access": _("You can no longer take part in this class. Ask your group's coordinator."),
        # %(name)s is replaced by the client with the person's name.
        "confirm_remove": _("Remove %(name)s from this class? They cannot come back into this class until you "
                            "let them back in. Their other classes are not affected."),
        "confirm_end": _("End the class for everyone? Nobody can chat, ask or vote in it any more."),
        "end": _("End the class"),
        "readmit": _("Let back in"),
        "readmitted": _("%(name)s may come back into this class now."),
        "not_logged_in": _("Please sign in again."),
        "forbidden": _("You are not in this class."),
        "not_found": _("This class does not exist."),
        "state_scheduled": _("Scheduled"),
        "state_open": _("Open"),
        "state_live": _("Live"),
        "state_ended": _("Ended"),
        "state_cancelled": _("Cancelled"),
        "cancelled": _("This class was cancelled."),
        **{f"err_{code}": str(message) for code, message in MESSAGES.items()},
        **{f"err_blocked_content_{reason}": str(message) for reason, message in REFUSAL_MESSAGES.items()},
        "deleted_note": _("message removed"),
        # Said in place when the room changes (a youth learns it before sending, not by a refusal).
        "class_started": _("The class has started: you can write now."),
        "class_ended": _("The class has ended. Thank you for coming!"),
        "room_opened": _("The room is open: the class starts soon."),
        "chat_waits": _("You can write when the teacher starts the class."),
        "chat_locked": _("The teacher has locked the chat: you can read, but not write for now."),
        "chat_unlocked": _("The chat is open again: you can write."),
        # %(seconds)s is replaced by the client with a number.
        "slow_on": _("Slow mode: one message every %(seconds)s seconds."),
        "slow_off": _("Slow mode is off."),
        # %(question)s is replaced by the client with the poll's question.
        "poll_opened": _("The teacher opened a poll: %(question)s"),
        "poll_closed_note": _("The poll is closed: %(question)s"),
        "go_vote": _("Vote"),
        "go_poll": _("See the results"),
        "go_questions": _("See the answer"),
        "your_question_answered": _("The teacher answered your question."),
        "hand_lowered": _("Your hand was lowered."),
        "you_unmuted": _("The teacher has unmuted you: you can write again."),
        "tap_for_actions": _("Tap to react or report."),
        "message_actions": _("What to do with this message"),
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
    """The room page: chat, online list, hands, questions, polls. The JS client does the rest.
    Someone the teacher removed from this class gets a page that says so, and whom to ask."""
    try:
        session, member = get_session_for_user(request.user, pk)
    except PermissionDenied:
        if not removed_from(request.user.pk, pk):
            raise
        return removed_page(request, get_session(pk))
    services.live_session_open_if_due(session_id=session.pk)
    return _room_page(request, session, member)


def removed_page(request, session):
    """403 with what happened (removed from this class, this class only) and whom to ask."""
    coordinators = []
    if request.user.is_youth:
        # A ceremony has no group: the youth asks their own group's coordinators.
        group = session.group or getattr(getattr(request.user, "participant", None), "group", None)
        coordinators = group.coordinators.order_by("display_name") if group is not None else []
    return render(request, "live/removed.html", {
        "session": session,
        "teacher_name": adult_name(session.teacher),
        "coordinator_names": [name for name in map(adult_name, coordinators) if name],
    }, status=403)


def adult_name(user) -> str:
    """An adult's name for a youth to ask for: never their e-mail address (User.name falls back to it)."""
    if user is None:
        return ""
    return user.display_name or user.get_full_name()


def _room_page(request, session, member, *, status: int = 200):
    session.refresh_from_db()
    return render(request, "live/room.html", {
        "session": session,
        "member": member,
        "lesson": session.lesson,
        "group": session.group,
        "groups": ceremony_groups(session).order_by("name") if session.is_ceremony else None,
        "item": session.plan_item,
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
    # A coordinator sees the youth of their own groups only, in a ceremony as in a class.
    mine = visible_groups(request.user) if member.role == "coordinator" else None
    rows = services.attendance_for_session(session, groups=mine)
    return render(request, "live/attendance.html", {
        "session": session,
        "member": member,
        "group": session.group,
        "rows": rows,
        "summary": attendance_summary(rows),
        "by_group": attendance_by_group(rows) if session.is_ceremony else None,
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
    """The teacher (or an organizer) sets the class's video meeting link on the room page: the plan
    item's own link; empty uses the lesson's default."""
    session, member = get_session_for_user(request.user, pk)
    if not member.is_moderator:
        raise PermissionDenied
    try:
        if "meeting_url" not in request.POST:  # not our form: never read as "clear the link"
            raise ValidationError({"meeting_url": _("Give the video meeting link, or an empty box for the "
                                                    "lesson's default.")})
        services.live_session_video_link_set(by=request.user, session_id=session.pk,
                                             url=request.POST["meeting_url"])
    except ValidationError as error:
        message_error(request, error)
        return _room_page(request, session, member, status=400)
    messages.success(request, _("The video link is saved."))
    return redirect("live:room", pk=session.pk)


# --- the camp's chat blocklist (organizers) -------------------------------------------------------

@login_required
@require_GET
def blocklist_index(request):
    """The organizer's way in from the navigation: their camp's blocklist, or a choice of camps."""
    if not request.user.is_organizer:
        raise PermissionDenied
    camps = list(camps_for_user(request.user).order_by("-year", "title"))
    if len(camps) == 1:
        return redirect("live:blocklist", pk=camps[0].pk)
    return render(request, "live/blocklist_index.html", {"camps": camps})


def _blocklist_page(request, camp, *, add_form=None, try_form=None, verdict=None, status=200):
    languages = dict(blocked_terms.language_choices())
    own, starter = [], {}
    for term in BlockedTerm.objects.filter(camp=camp).order_by("language", "term"):
        term.language_label = languages.get(term.language, term.language)
        if blocked_terms.is_starter(term):
            starter.setdefault(term.language_label, []).append(term.term)
        else:
            own.append(term)
    return render(request, "live/blocklist.html", {
        "camp": camp,
        "own_terms": own,
        "starter_by_language": list(starter.items()),
        "starter_count": sum(len(terms) for terms in starter.values()),
        "add_form": add_form or BlockedTermForm(),
        "try_form": try_form or TryPhraseForm(),
        "verdict": verdict,
    }, status=status)


@login_required
@require_GET
def blocklist(request, pk: int):
    """The camp's chat blocklist: its own terms (editable), the starter list (read-only), a try box."""
    return _blocklist_page(request, get_camp_for_blocklist(request.user, pk))


@login_required
@require_POST
def blocklist_add(request, pk: int):
    camp = get_camp_for_blocklist(request.user, pk)
    form = BlockedTermForm(request.POST)
    if form.is_valid():
        try:
            term = blocked_terms.blocked_term_add(by=request.user, camp=camp, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("“%(term)s” is on the list: the chat refuses it from now on.")
                             % {"term": term.term})
            return redirect("live:blocklist", pk=camp.pk)
    return _blocklist_page(request, camp, add_form=form, status=400)


@login_required
@require_POST
def blocklist_try(request, pk: int):
    """What the filter would do with a phrase (nothing is stored)."""
    camp = get_camp_for_blocklist(request.user, pk)
    form = TryPhraseForm(request.POST)
    verdict = None
    if form.is_valid():
        try:
            verdict = blocked_terms.blocklist_try(by=request.user, camp=camp, text=form.cleaned_data["text"])
        except ValidationError as error:
            form_error(form, error)
    return _blocklist_page(request, camp, try_form=form, verdict=verdict, status=200 if verdict else 400)


@login_required
@require_http_methods(["GET", "POST"])
def blocklist_edit(request, pk: int, term_pk: int):
    camp, term = get_blocked_term_for_user(request.user, pk, term_pk, change=True)
    form = BlockedTermForm(request.POST or None, initial={"term": term.term, "language": term.language})
    if request.method == "POST" and form.is_valid():
        try:
            blocked_terms.blocked_term_update(by=request.user, blocked_term=term, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The term is saved."))
            return redirect("live:blocklist", pk=camp.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "live/blocklist_edit.html", {"camp": camp, "term": term, "form": form}, status=status)


@login_required
@require_POST
def blocklist_delete(request, pk: int, term_pk: int):
    camp, term = get_blocked_term_for_user(request.user, pk, term_pk, change=True)
    try:
        blocked_terms.blocked_term_delete(by=request.user, blocked_term=term)
    except ValidationError as error:
        return error_redirect(request, error, "live:blocklist", pk=camp.pk)
    messages.success(request, _("“%(term)s” is off the list.") % {"term": term.term})
    return redirect("live:blocklist", pk=camp.pk)


# --- ceremonies (opening 开营, closing 闭营) -------------------------------------------------------

def _ceremony_fields(form) -> dict:
    data = form.cleaned_data
    return {"title": data["title"], "starts_at": data["starts_local"], "duration_minutes": data["duration_minutes"],
            "co_hosts": list(data["co_hosts"])}


@login_required
@require_http_methods(["GET", "POST"])
def ceremony_list(request, phase_pk: int):
    """The phase's ceremonies, and the form that makes one (the camp's organizers)."""
    phase = get_phase_for_ceremonies(request.user, phase_pk)
    form = CeremonyForm(request.POST or None, zone=phase.camp.zone)
    if request.method == "POST" and form.is_valid():
        try:
            session = ceremonies.ceremony_create(by=request.user, phase=phase, kind=form.cleaned_data["kind"],
                                                 **_ceremony_fields(form))
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The ceremony is scheduled: every group of the phase sees it."))
            return redirect("live:room", pk=session.pk)
    sessions = phase.ceremonies.prefetch_related("co_hosts").order_by("starts_at", "pk")
    return render(request, "live/ceremonies.html", {
        "phase": phase, "ceremonies": sessions, "form": form,
        "groups": phase.enrollments.filter(status="approved").count()},
        status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def ceremony_edit(request, pk: int):
    """Move, rename or re-staff a ceremony (a cancelled one is scheduled again)."""
    session = get_ceremony_for_user(request.user, pk)
    zone = session.phase.camp.zone
    initial = {"title": session.title, "starts_local": session.starts_at.astimezone(zone).replace(tzinfo=None),
               "duration_minutes": session.duration_minutes, "co_hosts": list(session.co_hosts.all())}
    form = CeremonyForm(request.POST or None, zone=zone, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ceremonies.ceremony_update(by=request.user, session=session, **_ceremony_fields(form))
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The ceremony is saved."))
            return redirect("live:ceremonies", phase_pk=session.phase_id)
    return render(request, "live/ceremony_edit.html", {"session": session, "phase": session.phase, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def ceremony_cancel(request, pk: int):
    """Cancel a ceremony; it keeps its chat and attendance and can be scheduled again from its edit page."""
    session = get_ceremony_for_user(request.user, pk)
    try:
        ceremonies.ceremony_cancel(by=request.user, session=session)
    except ValidationError as error:
        return error_redirect(request, error, "live:ceremonies", phase_pk=session.phase_id)
    messages.success(request, _("The ceremony is cancelled."))
    return redirect("live:ceremonies", phase_pk=session.phase_id)
