from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("lessons/", views.lesson_list, name="lesson_list"),
    path("lessons/new/", views.lesson_create, name="lesson_create"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("lessons/<int:pk>/attachments/", views.lesson_attachment_add, name="lesson_attachment_add"),
    path("lessons/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download,
         name="attachment_download"),
    path("lessons/<int:pk>/attachments/<int:attachment_pk>/remove/", views.lesson_attachment_remove,
         name="lesson_attachment_remove"),
    path("groups/<int:pk>/interests/", views.group_interests, name="group_interests"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("plans/<int:pk>/build/", views.plan_builder, name="plan_builder"),
    path("plans/<int:pk>/catalog/", views.plan_catalog, name="plan_catalog"),
    path("plans/<int:pk>/items/add/", views.plan_item_add, name="plan_item_add"),
    path("plans/<int:pk>/items/<int:item_pk>/", views.plan_item_update, name="plan_item_update"),
    path("plans/<int:pk>/items/<int:item_pk>/remove/", views.plan_item_remove, name="plan_item_remove"),
    path("plans/<int:pk>/propose/", views.plan_propose, name="plan_propose"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/save-template/", views.plan_save_template, name="plan_save_template"),
    path("plan-templates/", views.template_list, name="template_list"),
    path("plan-templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("teaching/", views.teacher_schedule, name="teacher_schedule"),
    path("teaching/hours/", views.teacher_hours, name="teacher_hours"),
    path("calendar/", views.feed_list, name="feed_list"),
    path("calendar/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
