from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/camps/<int:pk>/", views.camp_dashboard, name="camp"),
    path("reports/camps/<int:pk>/export.<str:fmt>", views.camp_export, name="camp_export"),
    path("reports/years/<int:year>/", views.year_dashboard, name="year"),
    path("reports/years/<int:year>/export.<str:fmt>", views.year_export, name="year_export"),
    path("reports/groups/<int:pk>/", views.group_report_view, name="group"),
    path("reports/groups/<int:pk>/export.<str:fmt>", views.group_export, name="group_export"),
    path("reports/groups/<int:pk>/study/", views.group_study, name="group_study"),
    path("reports/sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("reports/groups/<int:pk>/certificates/", views.group_certificates, name="group_certificates"),
    path("reports/groups/<int:pk>/certificates.zip", views.group_certificates_zip, name="group_certificates_zip"),
    path("reports/groups/<int:pk>/phases/<int:phase_pk>/issue/", views.certificates_issue_view,
         name="certificates_issue"),
    path("reports/groups/<int:pk>/phases/<int:phase_pk>/nominate/", views.nomination_view, name="nominate"),
    path("reports/certificates/<str:code>.pdf", views.certificate_download, name="certificate_pdf"),
    path("reports/certificates/<str:code>/revoke/", views.certificate_revoke_view, name="certificate_revoke"),
    path("reports/certificates/<str:code>/reissue/", views.certificate_reissue_view, name="certificate_reissue"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
