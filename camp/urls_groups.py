from django.urls import path

from camp.views import groups, join, review, roster

# Included at the root without a namespace: names are unprefixed (group_detail, roster_import, join…).
urlpatterns = [
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create_view, name="group_create"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/apply/", groups.enrollment_apply, name="enrollment_apply"),
    path("enrollments/<int:pk>/submit/", groups.enrollment_submit_view, name="enrollment_submit"),
    path("enrollments/<int:pk>/withdraw/", groups.enrollment_withdraw_view, name="enrollment_withdraw"),
    path("enrollments/review/", review.enrollment_review, name="enrollment_review"),
    path("enrollments/<int:pk>/decide/", review.enrollment_decide_view, name="enrollment_decide"),
    path("groups/<int:pk>/roster/", roster.roster, name="roster"),
    path("groups/<int:pk>/roster/add/", roster.participant_create_view, name="participant_create"),
    path("groups/<int:pk>/roster/<int:participant_pk>/edit/", roster.participant_edit, name="participant_edit"),
    path("groups/<int:pk>/roster/<int:participant_pk>/delete/", roster.participant_delete_view,
         name="participant_delete"),
    path("groups/<int:pk>/roster/<int:participant_pk>/consent/", roster.participant_consent,
         name="participant_consent"),
    path("groups/<int:pk>/roster/<int:participant_pk>/code/reissue/", roster.join_code_reissue_view,
         name="join_code_reissue"),
    path("groups/<int:pk>/roster/<int:participant_pk>/code/revoke/", roster.join_code_revoke_view,
         name="join_code_revoke"),
    path("groups/<int:pk>/roster/consent/", roster.roster_consent_bulk, name="roster_consent_bulk"),
    path("groups/<int:pk>/roster/template/", roster.roster_template_view, name="roster_template"),
    path("groups/<int:pk>/roster/import/", roster.roster_import, name="roster_import"),
    path("groups/<int:pk>/roster/import/<int:import_pk>/", roster.roster_import_preview_view,
         name="roster_import_preview"),
    path("groups/<int:pk>/roster/import/<int:import_pk>/confirm/", roster.roster_import_confirm_view,
         name="roster_import_confirm"),
    path("groups/<int:pk>/cards/", roster.login_cards_view, name="login_cards"),
    path("join/", join.join, name="join"),
    path("join/<str:code>/", join.join_code, name="join_code"),
    path("my/", join.my_camp, name="my_camp"),
]
