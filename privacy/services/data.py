"""Data rights of one youth: everything kept about them (export) and erasing it (delete).

Which rows are "about the youth" is found from the models themselves — every foreign key to the
roster row (`Participant`) or to the youth's account (`User`) in any installed app — so a model
added later (the guardian's consent decisions, a new room feature) is exported and erased without
a change here. Only the records a report must keep are named, in `KEPT`: they stay, anonymised.
"""

import datetime
import secrets

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from camp.errors import DomainError
from camp.models import Participant, User
from camp.services.join import youth_access_revoked_announce
from privacy.access import can_use_data_rights
from privacy.models import Erasure

# What stands in for an erased youth's name on the rows that stay (roster placeholder, certificates).
ERASED_NAME = "—"
FORMAT_VERSION = 1

# Rows a report counts: kept after the erasure, with their free text and names removed. Attendance
# spans make the attendance percentages and the room's attendance page; a correction changes a
# verdict; a certificate's existence is the "certificates issued" count.
KEPT = {
    "live.AttendanceSpan": {"channel_name": ""},
    "reports.AttendanceCorrection": {"reason": ERASED_NAME},
    "reports.Certificate": {
        "given_name": ERASED_NAME,
        "family_name": "",
        "chinese_name": "",
        "citation": "",
        "revoke_reason": "",
    },
    "privacy.Erasure": {},
}
# Foreign keys to the youth's account that are not about the youth: the roster row itself.
NOT_PERSONAL = {("camp.Participant", "user")}
# Rows the export shows in their own section (readable, with what they belong to), not under "other".
NAMED = {
    "reports.Certificate": "certificates",
    "camp.JoinCode": "join_codes",
    "live.AttendanceSpan": "attendance",
    "live.ChatMessage": "chat_messages",
    "live.Question": "questions",
    "camp.ConsentDecision": "consent_decisions",
    "camp.GuardianMessage": "guardian_messages",
    "activities.CheckIn": "checkins",
    "activities.Submission": "homework",
    "activities.ShowcasePiece": "showcase",
    "activities.Upload": "uploads",
}
# Fields never written into an export: secrets, and what only identifies a row internally.
SECRET_FIELDS = {"password", "token_hash", "salt", "key", "channel_name", "client_id"}


def _links_to(target) -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete foreign key (or one-to-one) in the project that points at `target`."""
    links = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                if field.remote_field and field.remote_field.model is target:
                    links.append((model, field))
    return links


def _row(obj) -> dict:
    data = model_to_dict(
        obj, fields=[f.name for f in obj._meta.concrete_fields if f.name not in SECRET_FIELDS]
    )
    for name, value in data.items():
        if isinstance(value, FieldFile):
            data[name] = value.name or ""  # an uploaded file: its stored name
    data["id"] = obj.pk
    return data


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _delete_with_files(rows) -> None:
    """Delete the rows and what cascades from them; the files they name go once the transaction commits."""
    collector = Collector(using=rows.db)
    collector.collect(rows)
    files = []
    for model, instances in collector.data.items():
        for field in _file_fields(model):
            files += [(field.storage, getattr(obj, field.attname)) for obj in instances]
    for queryset in collector.fast_deletes:
        for field in _file_fields(queryset.model):
            files += [(field.storage, name) for name in queryset.values_list(field.attname, flat=True)]
    rows.delete()
    files = [(storage, str(name)) for storage, name in files if name]
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def _rows(queryset) -> list[dict]:
    return [_row(obj) for obj in queryset.order_by("pk")]


def _name_of(user) -> str | None:
    return user.name if user is not None else None


def _guardian(participant: Participant) -> dict:
    """The guardian's consent answers (every one, as given) and their questions to the coordinators."""
    from camp.models import ConsentDecision, GuardianMessage

    decisions = (
        ConsentDecision.objects.filter(participant=participant)
        .select_related("version", "recorded_by")
        .order_by("decided_at", "pk")
    )
    return {
        "consent_decisions": [
            {
                "version": decision.version.number,
                "item": decision.item,
                "agreed": decision.agreed,
                "decided_at": decision.decided_at,
                "source": decision.source,
                "method": decision.method,
                "recorded_by": _name_of(decision.recorded_by),
                "withdrawal": decision.withdrawal,
            }
            for decision in decisions
        ],
        "guardian_messages": [
            {"sent_at": message.sent_at, "body": message.body}
            for message in GuardianMessage.objects.filter(participant=participant).order_by("sent_at", "pk")
        ],
    }


def _camp_life(participant: Participant) -> dict:
    """Check-ins, homework with every round and the teacher's comments, showcase pieces and the
    uploads (the names of the stored files: the export names them, the files stay on the server)."""
    from activities.models import CheckIn, HandIn, ShowcasePiece, Submission, Upload

    submissions = (
        Submission.objects.filter(participant=participant)
        .select_related("assignment__plan_item__lesson")
        .order_by("assignment__due_at", "pk")
    )
    rounds: dict[int, list[dict]] = {}
    for hand_in in (
        HandIn.objects.filter(submission__participant=participant)
        .select_related("reviewed_by")
        .order_by("submission", "number")
    ):
        rounds.setdefault(hand_in.submission_id, []).append(
            {
                "number": hand_in.number,
                "handed_in_at": hand_in.handed_in_at,
                "late": hand_in.late,
                "text": hand_in.text,
                "upload": hand_in.upload_id,
                "outcome": hand_in.outcome,
                "comment": hand_in.comment,
                "mark": hand_in.mark,
                "reviewed_by": _name_of(hand_in.reviewed_by),
                "reviewed_at": hand_in.reviewed_at,
            }
        )
    return {
        "checkins": [
            {
                "day": checkin.day,
                "question": checkin.prompt.text if checkin.prompt else None,
                "text": checkin.text,
                "created_at": checkin.created_at,
                "upload": checkin.photo_id,
            }
            for checkin in CheckIn.objects.filter(participant=participant)
            .select_related("prompt")
            .order_by("day", "pk")
        ],  # fmt: skip
        "homework": [
            {
                "assignment": {
                    "id": submission.assignment_id,
                    "lesson": submission.assignment.plan_item.lesson.title,
                    "instructions": submission.assignment.instructions,
                    "due_at": submission.assignment.due_at,
                },
                "state": submission.state,
                "mark": submission.mark,
                "rounds": rounds.get(submission.pk, []),
            }
            for submission in submissions
        ],
        "showcase": [
            {
                "title": piece.title,
                "state": piece.state,
                "created_at": piece.created_at,
                "decided_at": piece.decided_at,
                "upload": piece.upload_id,
            }
            for piece in ShowcasePiece.objects.filter(participant=participant).order_by("created_at", "pk")
        ],
        "uploads": [
            {
                "id": upload.pk,
                "kind": upload.kind,
                "content_type": upload.content_type,
                "size": upload.size,
                "day": upload.day,
                "created_at": upload.created_at,
                "file": upload.file.name,
                "thumbnail": upload.thumbnail.name or "",
            }
            for upload in Upload.objects.filter(participant=participant).order_by("created_at", "pk")
        ],
    }


def youth_export(*, by: User, participant: Participant) -> dict:
    """Everything kept about one youth, as one JSON-ready dict (for an organizer of their camp)."""
    if not can_use_data_rights(by, participant):
        raise PermissionDenied
    from live.models import AttendanceSpan, ChatMessage, Question
    from reports.models import Certificate

    user = participant.user

    def session_of(row) -> dict:
        return {"id": row.session_id, "title": row.session.title}

    data = {
        "format": "qiaocamp-youth-export",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "exported_by": by.name,
        "camp": {"id": participant.group.camp_id, "title": participant.group.camp.title},
        "group": {"id": participant.group_id, "name": participant.group.name},
        "erased": hasattr(participant, "erasure") and _row(participant.erasure) or None,
        "roster": _row(participant),
        "account": None,
        "join_codes": [],
        "attendance": [],
        "chat_messages": [],
        "questions": [],
        "certificates": _rows(Certificate.objects.filter(participant=participant)),
        **_guardian(participant),
        **_camp_life(participant),
        "other": {},
    }
    named = set(NAMED)
    if user is not None:
        data["account"] = {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "time_zone": user.time_zone,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        }
        data["join_codes"] = [
            {"code_ends_with": code.code[-4:], "created_at": code.created_at, "revoked_at": code.revoked_at}
            for code in user.join_codes.order_by("created_at")
        ]
        data["attendance"] = [
            {
                "session": session_of(span),
                "joined_at": span.joined_at,
                "left_at": span.left_at,
                "last_seen_at": span.last_seen_at,
            }
            for span in AttendanceSpan.objects.filter(user=user)
            .select_related("session")
            .order_by("joined_at", "pk")
        ]
        data["chat_messages"] = [
            {
                "session": session_of(line),
                "sent_at": line.sent_at,
                "text": line.text,
                "deleted_at": line.deleted_at,
            }
            for line in ChatMessage.objects.filter(author=user)
            .select_related("session")
            .order_by("sent_at", "pk")
        ]
        data["questions"] = [
            {
                "session": session_of(question),
                "asked_at": question.asked_at,
                "text": question.text,
                "answered_at": question.answered_at,
                "deleted_at": question.deleted_at,
            }
            for question in Question.objects.filter(author=user)
            .select_related("session")
            .order_by("asked_at", "pk")
        ]
    # Everything else that points at the roster row or the account (consent decisions, guardian
    # messages, corrections, nominations, hands, votes, reactions...), by model.
    for target, obj in ((Participant, participant), (User, user)):
        if obj is None:
            continue
        for model, field in _links_to(target):
            label = model._meta.label
            if label in named or (label, field.name) in NOT_PERSONAL or label == "privacy.Erasure":
                continue
            rows = _rows(model._default_manager.filter(**{field.name: obj}))
            if rows:
                data["other"].setdefault(f"{label}.{field.name}", []).extend(rows)
    return data


def _erase(participant: Participant, *, erased_by: User | None, reason: str) -> Erasure:
    """Erase one youth's personal data; the caller holds the transaction and has checked the right."""
    participant = (
        Participant.objects.select_for_update(of=("self",)).select_related("user").get(pk=participant.pk)
    )
    if Erasure.objects.filter(participant=participant).exists():
        raise DomainError(_("This youth's data is already deleted."), code="already_erased")
    user = participant.user
    for target, obj in ((Participant, participant), (User, user)):
        if obj is None:
            continue
        for model, field in _links_to(target):
            label = model._meta.label
            if (label, field.name) in NOT_PERSONAL:
                continue
            rows = model._default_manager.filter(**{field.name: obj})
            if label in KEPT:
                if KEPT[label]:
                    rows.update(**KEPT[label])
            elif target is User and field.null and field.remote_field.on_delete is not models.CASCADE:
                rows.update(**{field.name: None})  # the youth as the "by" of something: the row stays
            else:
                _delete_with_files(rows)
    if user is not None:
        user.groups.clear()
        user.user_permissions.clear()
        user.coordinated_groups.clear()
        user.co_organized_camps.clear()
        user.username = f"erased-{participant.pk}-{secrets.token_hex(4)}"
        user.email = user.first_name = user.last_name = user.display_name = ""
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()  # also ends every session of the account (auth hash changes)
        user.save()
    participant.family_name = participant.chinese_name = participant.gender = participant.notes = ""
    participant.given_name = participant.guardian_name = participant.guardian_contact = ERASED_NAME
    participant.birth_year = 0
    participant.consent_given = False
    participant.consent_at = None
    participant.consent_method = ""
    participant.consent_recorded_by = None
    participant.full_clean()
    participant.save()
    erasure = Erasure(
        participant=participant,
        group_id=participant.group_id,
        erased_at=timezone.now(),
        erased_by=erased_by,
        reason=reason,
    )
    erasure.full_clean()
    erasure.save()
    if user is not None:
        youth_access_revoked_announce(user)  # after commit: open rooms close, feeds stop
    return erasure


@transaction.atomic
def youth_erase(*, by: User, participant: Participant) -> Erasure:
    """Delete one youth's personal data at an organizer's request; counts a report needs stay, anonymous."""
    if not can_use_data_rights(by, participant):
        raise PermissionDenied
    return _erase(participant, erased_by=by, reason=Erasure.Reason.REQUEST)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    return min(
        day.replace(year=year, month=month, day=1) + datetime.timedelta(days=day.day - 1),
        next_month - datetime.timedelta(days=1),
    )
