"""People, camps, phases, overseas groups, participants, enrollment and youth join codes."""

import unicodedata
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from camp import names

LANGUAGE_CHOICES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("th", "ไทย"),
    ("lo", "ລາວ"),
    ("my", "မြန်မာ"),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGE_CHOICES]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known IANA time zone."), params={"value": value})


def validate_language_list(value) -> None:
    if not isinstance(value, list) or not all(code in LANGUAGE_CODES for code in value):
        raise ValidationError(_("Choose languages among: %(codes)s."), params={"codes": ", ".join(LANGUAGE_CODES)})


# Characters that take no room on the screen: a name made only of these (and spaces) is no name,
# and they do not make two names different (issue #12).
INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Characters that change how the text around them is read: bidi overrides and isolates.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def name_key(text: str) -> str:
    """A name as compared with another: NFC, invisible characters removed, spaces collapsed, casefolded."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = text.translate({ord(char): None for char in INVISIBLE_CHARACTERS})
    return " ".join(text.split()).casefold()


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs, other C0/C1 controls, line/paragraph separators, bidi overrides."""
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS for char in text)


def validate_name(value: str) -> None:
    """A name (of a person, a group, a school, a camp): one line of visible text."""
    if has_control_characters(value):
        raise ValidationError(_("A name is one line: no line breaks, tabs or other control characters."),
                              code="control_characters")
    if value and not name_key(value):
        raise ValidationError(_("Write a name with visible letters."), code="invisible")


class ChineseLevel(models.TextChoices):
    NONE = "none", _("None")
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


CHINESE_LEVEL_ORDER = {level: index for index, level in enumerate(ChineseLevel.values)}


class User(AbstractUser):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        TEACHER = "teacher", _("Teacher")
        COORDINATOR = "coordinator", _("Coordinator")
        YOUTH = "youth", _("Youth")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.COORDINATOR)
    display_name = models.CharField(_("display name"), max_length=100, blank=True, validators=[validate_name])
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=LANGUAGE_CHOICES, default="zh-hans"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    # Self-registered coordinators wait for an organizer; invited adults are confirmed at once.
    is_confirmed = models.BooleanField(_("confirmed by an organizer"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="user_email_unique_when_set"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.email or self.username

    @property
    def is_organizer(self) -> bool:
        return self.role == self.Role.ORGANIZER

    @property
    def is_teacher(self) -> bool:
        return self.role == self.Role.TEACHER

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR

    @property
    def is_youth(self) -> bool:
        return self.role == self.Role.YOUTH

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Invitation(models.Model):
    """An organizer's invitation for a teacher or coordinator to set a password and join."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=User.Role.choices)
    display_name = models.CharField(_("display name"), max_length=100, blank=True, validators=[validate_name])
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    def clean(self):
        if self.role not in (User.Role.TEACHER, User.Role.COORDINATOR, User.Role.ORGANIZER):
            raise ValidationError({"role": _("Only adults are invited by e-mail.")})


class Camp(models.Model):
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organized_camps"
    )
    # Other organizers of the same federation who share the camp.
    co_organizers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="co_organized_camps")
    federation = models.CharField(_("federation"), max_length=200, validators=[validate_name])
    title = models.CharField(_("title"), max_length=200, validators=[validate_name])
    description = models.TextField(_("description"), blank=True)
    year = models.PositiveIntegerField(_("year"))
    home_time_zone = models.CharField(
        _("home time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    languages = models.JSONField(_("languages offered"), default=list, validators=[validate_language_list])
    # Completion rule for certificates: share of the group's live sessions attended.
    completion_threshold = models.PositiveSmallIntegerField(_("attendance needed for completion (%)"), default=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(completion_threshold__lte=100), name="camp_threshold_le_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The camp's home zone: a phase's dates and enrollment window are days there."""
        return zoneinfo.ZoneInfo(self.home_time_zone)


class Phase(models.Model):
    """期: one session of a camp."""

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("number"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    enrollment_opens = models.DateField(_("enrollment opens"))
    enrollment_closes = models.DateField(_("enrollment closes"))
    capacity = models.PositiveIntegerField(_("capacity (youth)"))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=8)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=18)

    class Meta:
        ordering = ["camp", "number"]
        constraints = [
            models.UniqueConstraint(fields=["camp", "number"], name="phase_number_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="phase_dates_ordered"),
            models.CheckConstraint(
                condition=Q(enrollment_closes__gte=models.F("enrollment_opens")), name="phase_enrollment_ordered"
            ),
            models.CheckConstraint(condition=Q(max_age__gte=models.F("min_age")), name="phase_ages_ordered"),
        ]

    def __str__(self) -> str:
        return _("%(camp)s — phase %(number)s") % {"camp": self.camp, "number": self.number}

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day is before the first day.")
        if self.enrollment_opens and self.enrollment_closes and self.enrollment_closes < self.enrollment_opens:
            errors["enrollment_closes"] = _("Enrollment closes before it opens.")
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            errors["max_age"] = _("The maximum age is below the minimum age.")
        if errors:
            raise ValidationError(errors)


class Group(models.Model):
    """团: one overseas school or association."""

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    institution = models.CharField(_("institution"), max_length=200, validators=[validate_name])
    country = models.CharField(_("country (ISO code)"), max_length=2)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    languages = models.JSONField(_("languages the youth read"), default=list, validators=[validate_language_list])
    chinese_level = models.CharField(
        _("Chinese level"), max_length=16, choices=ChineseLevel.choices, default=ChineseLevel.BEGINNER
    )
    age_min = models.PositiveSmallIntegerField(_("youngest age"), default=8)
    age_max = models.PositiveSmallIntegerField(_("oldest age"), default=18)
    # Local hours the group can attend: [{"weekdays": [0, 1, 2, 3, 4], "start": "16:00", "end": "20:00"}],
    # weekday 0 is Monday, times in the group's own time zone.
    available_hours = models.JSONField(_("available local hours"), default=list, blank=True)
    coordinators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_groups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["camp", "name"]
        constraints = [
            models.UniqueConstraint(fields=["camp", "name"], name="group_name_unique_in_camp"),
            models.CheckConstraint(condition=Q(age_max__gte=models.F("age_min")), name="group_ages_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self):
        errors = {}
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            errors["country"] = _("Use the two-letter ISO country code, e.g. TH, LA, MM.")
        else:
            self.country = (self.country or "").upper()
        if self.age_min is not None and self.age_max is not None and self.age_max < self.age_min:
            errors["age_max"] = _("The oldest age is below the youngest age.")
        if errors:
            raise ValidationError(errors)


# Surnames whose usual reading is not the character's most common one (pypinyin reads 曾 as
# "ceng", the surname is Zeng).
SURNAME_INITIALS = {
    "曾": "Z", "单": "S", "解": "X", "仇": "Q", "区": "O", "查": "Z", "朴": "P", "盖": "G", "缪": "M",
    "翟": "Z", "覃": "Q", "召": "S", "种": "C", "秘": "B", "繁": "P", "员": "Y", "乐": "Y", "尉": "Y",
}


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def family_initial(family_name: str) -> str:
    """One letter standing for a family name, without the dot; "" when there is none to show.

    A Chinese family name is usually one character, so its first character is the whole name:
    it is written as the first letter of its pinyin instead (陈 → C). Other scripts keep their
    first grapheme: the first character with the marks combined with it (ตั้ง → ตั้, not a bare ต).
    """
    name = unicodedata.normalize("NFC", family_name.strip())
    if not name:
        return ""
    first = name[0]
    if _is_han(first):
        if first in SURNAME_INITIALS:
            return SURNAME_INITIALS[first]
        from pypinyin import lazy_pinyin

        # errors="ignore": a rare character pypinyin cannot read gives no initial rather than itself.
        readings = lazy_pinyin(first, errors="ignore")
        letter = readings[0][:1].upper() if readings else ""
        return letter if letter.isascii() and letter.isalpha() else ""
    grapheme = first
    for char in name[1:]:
        if unicodedata.category(char).startswith("M") or char in "\u200c\u200d":
            grapheme += char
        else:
            break
    if not first.isalpha():
        return ""
    upper = grapheme.upper()
    return upper if len(upper) == len(grapheme) else grapheme  # "ß".upper() is two letters


# The privacy app keeps an erased youth's roster row as an anonymous placeholder and points a
# `privacy.Erasure` at it (related_name "erasure"). Camp may not import privacy, so it leaves the
# placeholders out through that relation's name; the reports keep counting them.
ERASURE_RELATION = "erasure"


def not_erased(prefix: str = "") -> Q:
    """A filter for roster rows that are not erased placeholders (`prefix` e.g. "participants__")."""
    if not any(rel.name == ERASURE_RELATION for rel in Participant._meta.related_objects):
        return Q()  # the privacy app is not installed: nobody is erased
    return Q(**{f"{prefix}{ERASURE_RELATION}__isnull": True})


class ParticipantQuerySet(models.QuerySet):
    def on_roster(self):
        """The youth on the roster: without the placeholders of erased youth (camp's pages, counts, caps)."""
        return self.filter(not_erased())


class Participant(models.Model):
    """A youth in a group. No more personal data than the camp needs."""

    class Gender(models.TextChoices):
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")
        OTHER = "x", _("Other")

    class ConsentMethod(models.TextChoices):
        PAPER = "paper", _("Signed paper form")
        MESSAGE = "message", _("Written message from the guardian")
        IN_PERSON = "in_person", _("In person")
        BULK_ATTESTATION = "bulk", _("Coordinator's attestation for the group")
        # The guardian answered on their own guardian link (camp.services.consent).
        GUARDIAN_LINK = "link", _("The guardian's own link")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="participants")
    # Blank for a youth with one name only (most Burmese names): given_name then holds it.
    family_name = models.CharField(_("family name"), max_length=100, blank=True, validators=[validate_name])
    given_name = models.CharField(_("given name"), max_length=100, validators=[validate_name])
    chinese_name = models.CharField(_("Chinese name"), max_length=50, blank=True, validators=[validate_name])
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=LANGUAGE_CHOICES, default="zh-hans"
    )
    chinese_level = models.CharField(
        _("Chinese level"), max_length=16, choices=ChineseLevel.choices, default=ChineseLevel.BEGINNER
    )
    guardian_name = models.CharField(_("guardian name"), max_length=100, validators=[validate_name])
    guardian_contact = models.CharField(_("guardian contact"), max_length=200, validators=[validate_name])
    consent_given = models.BooleanField(_("guardian consent given"), default=False)
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_method = models.CharField(
        _("how consent was given"), max_length=16, choices=ConsentMethod.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="participant"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["group", "family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=False) | Q(consent_at__isnull=False), name="consent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name in its culture's order (camp/names.py): 王小龙, สมชาย แซ่ตั้ง, one Burmese name."""
        return names.full_name(self.family_name, self.given_name)

    @property
    def display_name(self) -> str:
        """What other youth see: given name and the family initial, never more."""
        return names.display_name(self.family_name, self.given_name)


class ConsentItem(models.TextChoices):
    """What a guardian agrees to, item by item (issue #17). Read through
    camp.services.consent.consent_allows; `participation` is required (REQUIRED_CONSENT_ITEMS)."""

    PARTICIPATION = "participation", _("Taking part in the online camp: live classes with video and chat, "
                                       "and the data the camp keeps")
    RECORDING = "recording", _("Class recordings, watched later by the group")
    CAMERA = "camera", _("Turning on their own camera when the teacher invites them to speak")
    SHOWCASE_GROUP = "showcase_group", _("Photos of their work shown to their group")
    SHOWCASE_CAMP = "showcase_camp", _("Photos of their work shown to the whole camp")


REQUIRED_CONSENT_ITEMS = (ConsentItem.PARTICIPATION,)


class ConsentVersion(models.Model):
    """One version of the consent text. The text itself is translated in the templates
    (templates/camp/guardian/consent_v<number>.html); a new version asks every guardian again."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published at"))
    # What changed since the version before, told to the guardian asked again.
    changes = models.TextField(_("what changed"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class ConsentDecision(models.Model):
    """One answer to one item of one version, kept for ever (until the youth's data is deleted):
    the current answer is the latest row of the current version."""

    class Source(models.TextChoices):
        GUARDIAN_LINK = "link", _("The guardian, on their link")
        PAPER = "paper", _("Paper consent recorded by a coordinator")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consent_decisions")
    version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="decisions")
    item = models.CharField(_("item"), max_length=32, choices=ConsentItem.choices)
    agreed = models.BooleanField(_("agreed"))
    decided_at = models.DateTimeField(_("decided at"))
    source = models.CharField(_("how"), max_length=8, choices=Source.choices)
    # Paper consent: who recorded it and how the guardian gave it (Participant.ConsentMethod).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(_("how consent was given"), max_length=16, choices=Participant.ConsentMethod.choices,
                              blank=True)
    # The guardian withdrew everything at once (the "withdraw" button), not one item.
    withdrawal = models.BooleanField(default=False)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["participant", "version", "item", "-decided_at"], name="consent_current")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.item} v{self.version_id}: {'yes' if self.agreed else 'no'}"


class GuardianLink(models.Model):
    """A guardian's personal link to consent, withdraw and see their child (no account needed).

    The link's token is never stored: it is an HMAC of `salt` under SECRET_KEY (so the coordinator
    can print it again), and only its SHA-256 (`token_hash`) is looked up. Reading the database
    alone gives nobody a working link. Rotating makes a new row and revokes the old one.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="guardian_links")
    salt = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(revoked_at__isnull=True), name="one_active_guardian_link"
            ),
        ]

    def __str__(self) -> str:
        return f"guardian link of {self.participant_id}"


class GuardianMessage(models.Model):
    """A question a guardian asked the group's coordinators on their link."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="guardian_messages")
    body = models.TextField(_("message"), max_length=2000)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"message about {self.participant_id}"


class Enrollment(models.Model):
    """A group applying for a phase."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="enrollments")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    # A waitlisted enrollment that now fits after a place freed up (or an organizer's offer of
    # another phase): the coordinator may accept until offer_expires_at, an organizer approve.
    offered_place_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("accept the place by"), null=True, blank=True)
    # An offer of this phase to a group waitlisted for another phase of the camp: that waitlisted
    # enrollment, closed when the group accepts this one.
    offer_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["phase", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "phase"], name="enrollment_group_phase_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.phase}"

    # Statuses that still hold (or ask for) a place in the phase.
    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.WAITLISTED)
    DECIDABLE_STATUSES = (Status.SUBMITTED, Status.WAITLISTED)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


def join_code_key(value: str) -> str:
    """What a typed code is compared on: case, spaces and dashes of every kind do not matter, nor
    full-width letters and digits (what a Chinese keyboard types: ＡＢＣＤ－１２３４, the
    ideographic space) — NFKC makes them ASCII. Only ASCII letters and digits are kept."""
    text = unicodedata.normalize("NFKC", str(value or "")).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


class JoinCode(models.Model):
    """A youth's personal login code (no e-mail needed). One active code per youth."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_codes")
    # As printed on the login card, e.g. "ABCD-EFGH-JK".
    code = models.CharField(max_length=32, unique=True)
    # The code without dashes or spaces, upper case: what a youth's typing is looked up by.
    key = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_active_join_code_per_user"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.key = join_code_key(self.code)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RosterImport(models.Model):
    """A roster file read and checked, waiting for the coordinator's confirmation.

    The parsed rows live here, server-side, so that confirming writes exactly what was previewed
    and never trusts anything the browser sends back.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="roster_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    # [{"line": 2, "cells": {"family_name": "...", ...}}, ...] exactly as read from the file.
    rows = models.JSONField(default=list)
    # [{"line": 2, "column": "birth_year", "message": "..."}]; line 0 / column "" for the whole file.
    problems = models.JSONField(default=list)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.group}: {self.file_name}"

    @property
    def is_clean(self) -> bool:
        return not self.problems and bool(self.rows)
