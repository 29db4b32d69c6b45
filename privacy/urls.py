from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/youth/<int:pk>/", views.youth_data, name="youth_data"),
    path("privacy/youth/<int:pk>/export.json", views.youth_export_view, name="youth_export"),
    path("privacy/youth/<int:pk>/delete/", views.youth_erase_view, name="youth_erase"),
]
