from django.contrib import admin

from reports.models import AttendanceCorrection, Certificate, Nomination


@admin.register(AttendanceCorrection)
class AttendanceCorrectionAdmin(admin.ModelAdmin):
    list_display = ["session", "participant", "status", "corrected_by", "corrected_at"]
    list_filter = ["status"]
    raw_id_fields = ["session", "participant", "corrected_by"]
    # The audit trail: corrections are added in the app, never edited.
    readonly_fields = ["session", "participant", "status", "reason", "corrected_by", "corrected_at"]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["participant", "phase", "citation", "nominated_by", "nominated_at"]
    raw_id_fields = ["participant", "phase", "nominated_by"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "given_name", "camp_title", "phase_number", "issued_at", "revoked_at"]
    list_filter = ["kind", "phase_number"]
    search_fields = ["code", "given_name", "family_name"]
    raw_id_fields = ["participant", "phase", "issued_by", "revoked_by", "replaces"]
    # Revoke and reissue through the app, so that a reason and a new code are always recorded.
    readonly_fields = ["code", "given_name", "family_name", "chinese_name", "language", "camp_title",
                                   "camp_title_local", "issuer", "phase_number", "starts_on", "ends_on",
                                   "attendance_percent", "citation", "issued_at", "issued_by", "revoked_at",
                                   "revoked_by", "revoke_reason", "replaces"]
