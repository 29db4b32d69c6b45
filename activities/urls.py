from django.urls import path

from activities import views, views_guardian

app_name = "activities"

urlpatterns = [
    path("activities/checkin/", views.checkin, name="checkin"),
    path("activities/groups/<int:pk>/checkins/", views.group_checkins, name="group_checkins"),
    path("activities/groups/<int:pk>/checkin-prompts/", views.prompts, name="prompts"),
    path("activities/homework/", views.homework_list, name="homework_list"),
    path("activities/homework/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("activities/homework/<int:pk>/hand-in/", views.hand_in, name="hand_in"),
    path("activities/classes/<int:item_pk>/homework/", views.assignment_edit, name="assignment_edit"),
    path("activities/homework/review/", views.review_queue, name="review_queue"),
    path("activities/homework/submissions/<int:pk>/", views.submission_review, name="submission_review"),
    path("activities/showcase/", views.showcase, name="showcase"),
    path("activities/showcase/add/", views.piece_add, name="piece_add"),
    path("activities/showcase/<int:pk>/moderate/", views.piece_moderate, name="piece_moderate"),
    path("activities/showcase/<int:pk>/react/", views.piece_react, name="piece_react"),
    path("activities/showcase/<int:pk>/reactions/", views.piece_reactions, name="piece_reactions"),
    path("activities/files/<int:pk>/", views.upload_file, name="upload_file"),
    path("activities/files/<int:pk>/thumbnail/", views.upload_thumbnail, name="upload_thumbnail"),
    # The guardian's view of their child's approved work: the link's token is the key (no account).
    path(
        "guardian/<str:token>/work/<int:pk>/", views_guardian.guardian_piece_file, name="guardian_piece_file"
    ),
    path(
        "guardian/<str:token>/work/<int:pk>/thumbnail/",
        views_guardian.guardian_piece_thumbnail,
        name="guardian_piece_thumbnail",
    ),
    path("activities/study/", views.study, name="study"),
    path("activities/study/<int:item_pk>/", views.study_item, name="study_item"),
    path("activities/study/<int:item_pk>/done/", views.item_done, name="item_done"),
    path("activities/study/<int:item_pk>/quiz/", views.quiz_answer, name="quiz_answer"),
    path("activities/lessons/<int:pk>/quiz/", views.quiz_edit, name="quiz_edit"),
]
