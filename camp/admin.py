from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from camp.models import (
    Camp,
    ConsentDecision,
    ConsentVersion,
    Enrollment,
    Group,
    GuardianMessage,
    Invitation,
    JoinCode,
    Participant,
    Phase,
    RosterImport,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "display_name", "role", "is_confirmed", "time_zone")
    list_filter = ("role", "is_confirmed", "is_staff")
    search_fields = ("username", "email", "display_name")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("QiaoCamp"), {"fields": ("role", "display_name", "preferred_language", "time_zone", "is_confirmed")}),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "role", "invited_by", "created_at", "expires_at", "accepted_at")
    readonly_fields = ("token",)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Camp)
class CampAdmin(TabbedTranslationAdmin):
    """Title and description in tabs per language; jQuery comes from static/vendor (no CDN)."""

    list_display = ("title", "federation", "year", "organizer")
    filter_horizontal = ("co_organizers",)
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("camp", "number", "starts_on", "ends_on", "enrollment_opens", "enrollment_closes", "capacity",
                    "min_age", "max_age")
    list_filter = ("camp",)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = ("phase", "status", "submitted_at", "decided_by", "decided_at", "reason", "offered_place_at")
    readonly_fields = ("submitted_at", "decided_at", "offered_place_at")
    raw_id_fields = ("decided_by",)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "institution", "camp", "country", "time_zone", "chinese_level")
    list_filter = ("camp", "country", "chinese_level")
    search_fields = ("name", "institution")
    filter_horizontal = ("coordinators",)
    inlines = [EnrollmentInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("family_name", "given_name", "chinese_name", "group", "birth_year", "preferred_language",
                    "consent_given")
    list_filter = ("group__camp", "group", "consent_given", "preferred_language")
    search_fields = ("family_name", "given_name", "chinese_name", "guardian_name")
    raw_id_fields = ("user", "consent_recorded_by")
    list_select_related = ("group",)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("group", "phase", "status", "submitted_at", "decided_at", "offered_place_at")
    list_filter = ("status", "phase__camp", "phase")
    raw_id_fields = ("created_by", "decided_by", "withdrawn_by")
    list_select_related = ("group", "phase", "phase__camp")


@admin.register(JoinCode)
class JoinCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "user", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("code", "key", "user__display_name", "user__username")
    raw_id_fields = ("user", "created_by", "revoked_by")
    readonly_fields = ("key",)


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ("group", "file_name", "created_by", "created_at", "confirmed_at", "imported_count")
    list_filter = ("group__camp",)
    readonly_fields = ("group", "created_by", "file_name", "rows", "problems", "confirmed_at", "imported_count")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Consent records are evidence: read here, written only by camp.services.consent."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentVersion)
class ConsentVersionAdmin(ReadOnlyAdmin):
    list_display = ("number", "published_at")


@admin.register(ConsentDecision)
class ConsentDecisionAdmin(ReadOnlyAdmin):
    list_display = ("participant", "item", "agreed", "version", "decided_at", "source", "method", "recorded_by",
                    "withdrawal")
    list_filter = ("item", "agreed", "source", "withdrawal", "version")
    search_fields = ("participant__family_name", "participant__given_name")
    list_select_related = ("participant", "version", "recorded_by")


@admin.register(GuardianMessage)
class GuardianMessageAdmin(ReadOnlyAdmin):
    list_display = ("participant", "sent_at")
    search_fields = ("participant__family_name", "participant__given_name", "body")
    list_select_related = ("participant",)
