"""The product's URLconf plus the trivial view that is the ceiling for `bench http`."""

from django.http import HttpResponse
from django.urls import path

from qiaocamp.urls import urlpatterns as product_urlpatterns


def trivial(request):
    """Same server, same middleware stack, no database and no template: the ceiling."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *product_urlpatterns]
