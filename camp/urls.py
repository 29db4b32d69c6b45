from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from camp.views import accounts, health, home

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", home.set_language, name="set_language"),
    path("people/", accounts.people, name="people"),
    path("people/<int:pk>/confirm/", accounts.coordinator_confirm_view, name="coordinator_confirm"),
    path("invite/<str:token>/", accounts.invitation_accept_view, name="invitation_accept"),
    path("profile/", accounts.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # Each app's pages.
    path("", include("camp.urls_groups")),
    path("", include("courses.urls")),
    path("", include("live.urls")),
    path("", include("camp.reports.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
