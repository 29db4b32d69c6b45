"""Data rights pages: what is kept about one youth, its export, and its deletion (organizers)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from camp.errors import error_redirect
from privacy.access import get_participant_for_data_rights
from privacy.forms import EraseConfirmForm
from privacy.services.data import youth_erase, youth_export

SECTIONS = [
    ("attendance", gettext_lazy("Room visits (joined and left)")),
    ("chat_messages", gettext_lazy("Chat lines")),
    ("questions", gettext_lazy("Questions to the teacher")),
    ("certificates", gettext_lazy("Certificates")),
    ("join_codes", gettext_lazy("Login codes")),
]


@login_required
@require_GET
def youth_data(request, pk):
    participant = get_participant_for_data_rights(request.user, pk)
    data = youth_export(by=request.user, participant=participant)
    counts = [(label, len(data[key])) for key, label in SECTIONS]
    others = sorted((label, len(rows)) for label, rows in data["other"].items())
    return render(
        request,
        "privacy/youth_data.html",
        {
            "participant": participant,
            "group": participant.group,
            "data": data,
            "counts": counts,
            "others": others,
            "erasure": data["erased"],
            "retention_months": settings.QIAOCAMP_RETENTION_MONTHS,
        },
    )


@login_required
@require_GET
def youth_export_view(request, pk):
    participant = get_participant_for_data_rights(request.user, pk)
    data = youth_export(by=request.user, participant=participant)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="youth-{participant.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def youth_erase_view(request, pk):
    participant = get_participant_for_data_rights(request.user, pk)
    form = EraseConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = participant.full_name
        try:
            youth_erase(by=request.user, participant=participant)
        except ValidationError as error:
            return error_redirect(request, error, "privacy:youth_data", pk=participant.pk)
        messages.success(request, _("The personal data of %(name)s is deleted.") % {"name": name})
        return redirect("roster", pk=participant.group_id)
    return render(
        request,
        "privacy/youth_erase.html",
        {
            "participant": participant,
            "group": participant.group,
            "form": form,
            "already_erased": hasattr(participant, "erasure"),
        },
    )
