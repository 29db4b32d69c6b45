from django.urls import path

from live import views
from live.video import views as video_views

app_name = "live"

urlpatterns = [
    path("live/", views.session_list, name="sessions"),
    path("live/<int:pk>/", views.room, name="room"),
    path("live/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("live/<int:pk>/state/", views.session_state, name="state"),
    path("live/<int:pk>/video/", views.video_link, name="video_link"),
    path("live/<int:pk>/recordings/<int:recording_pk>/", video_views.recording, name="recording"),
    path("live/phases/<int:phase_pk>/ceremonies/", views.ceremony_list, name="ceremonies"),
    path("live/ceremonies/<int:pk>/edit/", views.ceremony_edit, name="ceremony_edit"),
    path("live/ceremonies/<int:pk>/cancel/", views.ceremony_cancel, name="ceremony_cancel"),
    path("live/blocklist/", views.blocklist_index, name="blocklist_index"),
    path("live/camps/<int:pk>/blocklist/", views.blocklist, name="blocklist"),
    path("live/camps/<int:pk>/blocklist/add/", views.blocklist_add, name="blocklist_add"),
    path("live/camps/<int:pk>/blocklist/try/", views.blocklist_try, name="blocklist_try"),
    path("live/camps/<int:pk>/blocklist/<int:term_pk>/edit/", views.blocklist_edit, name="blocklist_edit"),
    path("live/camps/<int:pk>/blocklist/<int:term_pk>/delete/", views.blocklist_delete, name="blocklist_delete"),
]
