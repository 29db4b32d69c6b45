"""The one domain error (camp.errors.DomainError) and the helpers every view shows it with."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy

from camp.errors import DomainError, back_url, error_redirect, form_error
from courses.services.plans import PlanError
from live.services.errors import LiveError


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_domain_error_is_a_validation_error_with_a_code_and_a_translated_message():
    error = DomainError(gettext_lazy("The group and the phase belong to different camps."), code="wrong_camp")
    assert isinstance(error, ValidationError) and error.code == "wrong_camp"
    with translation.override("zh-hans"):
        chinese = str(error)
    with translation.override("en"):
        assert str(error) == "The group and the phase belong to different camps."
    assert chinese and chinese != str(error)  # translated when shown, in the language of the page


def test_the_apps_errors_are_domain_errors():
    assert issubclass(PlanError, DomainError) and issubclass(LiveError, DomainError)
    live = LiveError("not_live", "The session is ended.")
    assert (live.code, live.detail) == ("not_live", "The session is ended.")
    with translation.override("en"):
        assert live.messages == ["The class has not started (or is over)."]  # not the developer's hint


def test_form_error_puts_field_errors_on_their_field_and_the_rest_on_the_form():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    form_error(form, DomainError({"name": "Taken.", "elsewhere": "Odd."}))
    assert form.errors["name"] == ["Taken."] and form.non_field_errors() == ["Odd."]
    form = NameForm({"name": "x"})
    form.is_valid()
    form_error(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]


def _request(referer=None, host="testserver"):
    headers = {"HTTP_REFERER": referer} if referer else {}
    request = RequestFactory().post("/somewhere/", HTTP_HOST=host, **headers)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(("referer", "expected"), [
    ("http://testserver/groups/7/", "http://testserver/groups/7/"),  # the page the user was on
    (None, "/fallback/"),
    ("https://evil.example.org/groups/7/", "/fallback/"),  # another host: never
    ("javascript:alert(1)", "/fallback/"),
])
def test_back_url_goes_back_only_to_this_host(referer, expected):
    assert back_url(_request(referer), "/fallback/") == expected


def test_error_redirect_shows_every_message_and_goes_back():
    request = _request("http://testserver/plans/3/")
    response = error_redirect(request, ValidationError(["One.", "Two."]), "/fallback/")
    assert response.status_code == 302 and response["Location"] == "http://testserver/plans/3/"
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("error", "One."), ("error", "Two.")]
