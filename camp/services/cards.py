"""Login cards, printed by the coordinator for the whole group: one per youth, in two halves cut
apart — the youth's (their code and how to sign in, in their own language) and the guardian's (their
consent link and QR code, in the youth's language and the group's other language)."""

import dataclasses

import segno
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from camp.mail import site_url
from camp.models import Group, JoinCode, Participant
from camp.services.join import group_is_approved, join_url


@dataclasses.dataclass
class CardText:
    """A card's text in one language: its heading, the three steps, the guardian's line and what a
    youth without a code yet reads instead of the steps."""

    language: str
    heading: str
    instructions: list[str]
    guardian_line: str = ""
    waiting: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class LoginCard:
    participant: Participant
    code: str
    url: str
    qr_svg: SafeString | None
    texts: list[CardText] = dataclasses.field(default_factory=list)
    # The guardian's half (issue #17): their personal consent link and its QR code, when the cards
    # are made for a coordinator (login_cards(group, by=...)).
    guardian_url: str = ""
    guardian_qr_svg: SafeString | None = None
    # Why the youth's half has no code yet ("consent", "approval", "code"); "" when it has one.
    waiting: str = ""

    @property
    def guardian_url_short(self) -> str:
        """The guardian's link as printed: without the scheme, still the whole link."""
        return self.guardian_url.split("://", 1)[-1]

    @property
    def waiting_text(self) -> str:
        return self.texts[0].waiting.get(self.waiting, "") if self.texts else ""


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code (no image files, prints sharp at any size)."""
    # Our own SVG from segno, never user input: safe to put in the page as it is.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=False))


def _has_card_translation(language: str) -> bool:
    # A missing translation falls back to the Chinese catalog: printing that twice helps nobody.
    with translation.override(language):
        local = _("Your QiaoCamp login card")
    with translation.override("zh-hans"):
        return local != _("Your QiaoCamp login card")


def card_language(group: Group) -> str:
    """The group's language printed beside Chinese on the cards: the first of the group's
    languages the cards are translated into (a Lao group also reads Thai), else its first."""
    languages = [code for code in group.languages if code != "zh-hans"]
    return next((code for code in languages if _has_card_translation(code)), languages[0] if languages else "en")


def card_languages(participant: Participant, group: Group) -> list[str]:
    """A youth's card speaks their own language first, then the group's other language (Chinese
    when the group reads no other): two at most, so the card stays one card on paper and on a phone."""
    own = participant.preferred_language
    if own != "zh-hans" and not _has_card_translation(own):
        own = card_language(group)  # a language the cards are not translated into yet
    second = next(
        (code for code in [*group.languages, "zh-hans"] if code != own
         and (code == "zh-hans" or _has_card_translation(code))),
        "zh-hans" if own != "zh-hans" else "",
    )
    return [own, second] if second else [own]


def card_instructions(language: str) -> list[str]:
    with translation.override(language):
        return [
            _("Open %(url)s on a phone or computer.") % {"url": site_url("join")},
            _("Type your code, or scan the QR code with the camera."),
            _("Keep this card to yourself: the code is your key to the camp."),
        ]


def card_text(language: str) -> CardText:
    with translation.override(language):
        return CardText(
            language=language,
            heading=_("Your QiaoCamp login card"),
            instructions=card_instructions(language),
            guardian_line=_("For the guardian: scan to read and give consent."),
            waiting={
                "consent": _("Your code comes once your guardian agrees."),
                "approval": _("Your code comes once your group is approved."),
                "code": _("Ask your coordinator for your code."),
            },
        )


def login_cards(group: Group, *, by=None) -> list[LoginCard]:
    """Cards for every youth of the group with an active code, in roster order; with `by` (who
    prints them) every youth on the roster gets one, each with the guardian's link
    (camp.services.consent) — a youth without a code yet gets only the guardian's half usable."""
    guardian_urls = {}
    if by is not None:
        from camp.services.consent import guardian_link_url, guardian_links_for_group

        guardian_urls = {
            pid: guardian_link_url(link) for pid, link in guardian_links_for_group(by=by, group=group).items()
        }
    codes = dict(
        JoinCode.objects.filter(
            user__participant__group=group, user__is_active=True, revoked_at__isnull=True
        ).values_list("user_id", "code")
    )
    approved = group_is_approved(group)
    cards = []
    texts: dict[str, CardText] = {}  # one translation per language, not one per card
    for participant in group.participants.on_roster():
        # Join codes only for consented youth: a code of a youth whose consent lapsed is not printed.
        code = codes.get(participant.user_id, "") if participant.consent_given and participant.user_id else ""
        guardian_url = guardian_urls.get(participant.pk, "")
        if not code and not guardian_url:
            continue
        languages = card_languages(participant, group)
        for language in languages:
            if language not in texts:
                texts[language] = card_text(language)
        url = join_url(code) if code else ""
        if code:
            waiting = ""
        elif not participant.consent_given:
            waiting = "consent"
        else:
            waiting = "code" if approved else "approval"
        cards.append(
            LoginCard(
                participant=participant,
                code=code,
                url=url,
                qr_svg=qr_svg(url) if code else None,
                texts=[texts[language] for language in languages],
                guardian_url=guardian_url,
                guardian_qr_svg=qr_svg(guardian_url) if guardian_url else None,
                waiting=waiting,
            )
        )
    return cards
