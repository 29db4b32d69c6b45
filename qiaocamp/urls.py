from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from qiaocamp.registry import app_modules
from qiaocamp.views import health, home

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("my/", home.my_camp, name="my_camp"),
    path("i18n/setlang/", home.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # Each app's pages, from the registry.
    *[path("", include(module)) for module in app_modules("urls")],
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
