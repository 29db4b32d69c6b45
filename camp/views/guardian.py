"""The guardian's pages behind their personal link (no account), and the coordinator's side of it.

The link is the guardian's key: each page resolves it (rate-limited per client address, like join
codes) and shows only this child: their consent, their schedule, attendance and certificate (the
higher apps fill the "guardian" place of the page, camp.partials), and a question to the coordinators.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from camp.access import get_group_for_user, get_participant_for_user
from camp.errors import error_redirect, form_error
from camp.forms_guardian import GuardianConsentForm, GuardianMessageForm
from camp.models import LANGUAGE_CHOICES, LANGUAGE_CODES, ConsentItem, GuardianMessage
from camp.ratelimit import client_address
from camp.services.cards import qr_svg
from camp.services.consent import (
    GuardianLinkRefused,
    consent_answer,
    consent_answers,
    consent_history,
    consent_version_current,
    consent_withdraw,
    guardian_email,
    guardian_link_ensure,
    guardian_link_resolve,
    guardian_link_rotate,
    guardian_link_send,
    guardian_link_token,
    guardian_link_url,
    guardian_message_send,
)
from camp.zones import zone_city

REFUSAL_STATUS = {"invalid": 404, "rate_limited": 429}


def _language(request, participant) -> str:
    """?lang= when the guardian picked one, else their earlier pick (cookie), else the child's language."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    if chosen in LANGUAGE_CODES:
        return chosen
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in LANGUAGE_CODES:
        return request.COOKIES[settings.LANGUAGE_COOKIE_NAME]
    return participant.preferred_language


def guardian_page(view):
    """Resolve the link (or refuse), render in the guardian's language, keep the link out of
    Referer headers and caches."""

    @functools.wraps(view)
    def wrapper(request, token, *args, **kwargs):
        try:
            link = guardian_link_resolve(token=token, ip=client_address(request))
        except GuardianLinkRefused as refused:
            response = render(
                request,
                "camp/guardian/invalid.html",
                {"reason": refused.reason},
                status=REFUSAL_STATUS[refused.reason],
            )
        else:
            language = _language(request, link.participant)
            # The family's local time is the group's: every time on these pages is shown in it.
            with translation.override(language), timezone.override(link.participant.group.zone):
                request.LANGUAGE_CODE = language
                response = view(request, link, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            if request.GET.get("lang") in LANGUAGE_CODES:
                # The project's language cookie, as Django's set_language writes it.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
        # same-origin, not no-referrer: with no-referrer Chromium posts forms with "Origin: null",
        # which CSRF refuses; other sites still never see the link in a Referer.
        response["Referrer-Policy"] = "same-origin"
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


def _context(request, link, **extra) -> dict:
    participant = link.participant
    return {
        "link": link,
        "token": guardian_link_token(link),
        "participant": participant,
        "group": participant.group,
        "languages": LANGUAGE_CHOICES,
        "lang": translation.get_language(),
        # "Bangkok time": a city, never a raw zone name.
        "zone_label": _("%(city)s time") % {"city": zone_city(participant.group.zone)},
        **extra,
    }


def _back(link, lang):
    return redirect(reverse("guardian_home", args=[guardian_link_token(link)]) + f"?lang={lang}")


@guardian_page
def guardian_home(request, link):
    participant = link.participant
    version = consent_version_current()
    answers = consent_answers(participant, version)
    items = [{"key": key, "label": label, "decision": answers.get(key)} for key, label in ConsentItem.choices]
    context = _context(
        request,
        link,
        version=version,
        items=items,
        unanswered=any(item["decision"] is None for item in items),
        any_agreed=any(item["decision"] and item["decision"].agreed for item in items),
    )
    return render(request, "camp/guardian/home.html", context)


@guardian_page
def guardian_consent(request, link):
    version = consent_version_current()
    form = GuardianConsentForm(request.POST or None, initial={"version": version.number})
    if request.method == "POST" and form.is_valid():
        try:
            consent_answer(link=link, version=form.cleaned_data["version"], answers=form.answers())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return _back(link, translation.get_language())
    retention = getattr(settings, "QIAOCAMP_RETENTION_MONTHS", None)
    # The text of this version, or the newest text written when a version changed only a detail
    # (its `changes` are shown above it).
    text = select_template(
        [f"camp/guardian/consent_v{number}.html" for number in range(version.number, 0, -1)]
    )
    return render(
        request,
        "camp/guardian/consent.html",
        _context(
            request, link, form=form, version=version, retention_months=retention, consent_template=text
        ),
        status=400 if form.is_bound else 200,
    )


@guardian_page
def guardian_withdraw(request, link):
    if request.method == "POST":
        try:
            consent_withdraw(link=link)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Your consent is withdrawn. Your child cannot take part any more; the "
                    "coordinator is told."
                ),
            )
        return _back(link, translation.get_language())
    return render(request, "camp/guardian/withdraw.html", _context(request, link))


@guardian_page
def guardian_ask(request, link):
    form = GuardianMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guardian_message_send(link=link, body=form.cleaned_data["body"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your question is sent to the coordinator."))
            return _back(link, translation.get_language())
    return render(
        request,
        "camp/guardian/ask.html",
        _context(request, link, form=form),
        status=400 if form.is_bound else 200,
    )


# --- The coordinator's side ----------------------------------------------------------------------


@login_required
def guardian_link_page(request, pk, participant_pk):
    """One youth's guardian link (copy, QR, mail, rotate) and every consent decision about them."""
    group, participant = get_participant_for_user(request.user, pk, participant_pk)
    link = guardian_link_ensure(by=request.user, participant=participant)
    url = guardian_link_url(link)
    version = consent_version_current()
    answers = consent_answers(participant, version)
    context = {
        "group": group,
        "participant": participant,
        "link": link,
        "url": url,
        "qr": qr_svg(url),
        "email": guardian_email(participant),
        "history": consent_history(participant),
        "version": version,
        "items": [
            {"key": key, "label": label, "decision": answers.get(key)} for key, label in ConsentItem.choices
        ],
    }
    return render(request, "camp/guardian/link.html", context)


@login_required
@require_POST
def guardian_link_send_view(request, pk, participant_pk):
    group, participant = get_participant_for_user(request.user, pk, participant_pk)
    try:
        guardian_link_send(by=request.user, participant=participant)
    except ValidationError as error:
        return error_redirect(
            request, error, "guardian_link_page", pk=group.pk, participant_pk=participant.pk
        )
    messages.success(
        request, _("The link is mailed to %(contact)s.") % {"contact": participant.guardian_contact}
    )
    return redirect("guardian_link_page", pk=group.pk, participant_pk=participant.pk)


@login_required
@require_POST
def guardian_link_rotate_view(request, pk, participant_pk):
    group, participant = get_participant_for_user(request.user, pk, participant_pk)
    try:
        guardian_link_rotate(by=request.user, participant=participant)
    except ValidationError as error:
        return error_redirect(
            request, error, "guardian_link_page", pk=group.pk, participant_pk=participant.pk
        )
    messages.success(request, _("A new guardian link is made: the old one no longer works."))
    return redirect("guardian_link_page", pk=group.pk, participant_pk=participant.pk)


@login_required
def guardian_messages(request, pk):
    """Questions the group's guardians asked on their links."""
    group = get_group_for_user(request.user, pk, manage=True)
    questions = GuardianMessage.objects.filter(participant__group=group).select_related("participant")[:200]
    return render(request, "camp/guardian/messages.html", {"group": group, "questions": questions})
