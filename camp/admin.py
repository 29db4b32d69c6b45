from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from camp.models import Camp, Enrollment, Group, Invitation, JoinCode, Participant, Phase, User


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


@admin.register(Camp)
class CampAdmin(TabbedTranslationAdmin):
    list_display = ("title", "federation", "year", "organizer")


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("camp", "number", "starts_on", "ends_on", "capacity")
    list_filter = ("camp",)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "institution", "country", "time_zone", "chinese_level")
    list_filter = ("camp", "country")
    search_fields = ("name", "institution")
    filter_horizontal = ("coordinators",)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("family_name", "given_name", "chinese_name", "group", "birth_year", "consent_given")
    list_filter = ("group", "consent_given")
    search_fields = ("family_name", "given_name", "chinese_name")
    raw_id_fields = ("user", "consent_recorded_by")


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("group", "phase", "status", "submitted_at", "decided_at")
    list_filter = ("status", "phase")


@admin.register(JoinCode)
class JoinCodeAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "revoked_at")
    raw_id_fields = ("user",)
