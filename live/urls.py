from django.urls import path

from live import views

app_name = "live"

urlpatterns = [
    path("live/", views.session_list, name="sessions"),
    path("live/<int:pk>/", views.room, name="room"),
    path("live/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("live/<int:pk>/state/", views.session_state, name="state"),
    path("live/<int:pk>/video/", views.video_link, name="video_link"),
]
