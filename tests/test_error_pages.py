"""403, 404 and 500 pages speak the visitor's language and say what to do; /verify/ has a code box."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_404_is_translated(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="th")
    page = response.content.decode()
    assert response.status_code == 404 and 'data-status="404"' in page and "Page not found" not in page


def test_403_is_translated_for_a_youth(client, youth):
    client.force_login(youth)
    response = client.get(reverse("people"))
    page = response.content.decode()
    assert response.status_code == 403 and 'data-status="403"' in page
    assert "Not allowed" not in page and "403 Forbidden" not in page  # the youth reads Thai


def test_500_renders_without_a_request_context():
    with translation.override("lo"):
        page = render_to_string("500.html")
    assert 'data-status="500"' in page and "Something went wrong" not in page


def test_verify_has_a_code_box(client):
    response = client.get(reverse("reports:verify_form"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and 'name="code"' in response.content.decode()
    response = client.get(reverse("reports:verify_form"), {"code": " abcd efgh "})
    assert response.status_code == 302 and response["Location"].startswith("/verify/")


@pytest.mark.parametrize("bad", ["///", "<script>", "x" * 5000, "../../etc"])
def test_verify_form_refuses_what_cannot_be_a_code(client, bad):
    response = client.get(reverse("reports:verify_form"), {"code": bad})
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 404
    else:
        assert "<script>" not in response.content.decode()
