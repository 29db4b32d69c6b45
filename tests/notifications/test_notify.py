import pytest
from django.utils import translation

from notifications.models import Notification
from notifications.services import notify


@pytest.mark.django_db
def test_notify_stores_one_row_per_recipient_rendered_in_the_readers_language(coordinator, teacher):
    coordinator.preferred_language = "en"
    rows = notify(
        [coordinator, teacher, coordinator], "plan_changed", url="/plans/1/", params={"group": "Bangkok 1"}
    )
    assert len(rows) == 2
    note = Notification.objects.get(recipient=coordinator)
    assert note.url == "/plans/1/" and note.read_at is None
    with translation.override("en"):
        assert note.text == "The plan of Bangkok 1 changed."


@pytest.mark.django_db
def test_a_key_makes_notify_idempotent(coordinator):
    first = notify([coordinator], "class_starting", url="/live/1/", params={"lesson": "Tea"}, key="class:1")
    again = notify([coordinator], "class_starting", url="/live/1/", params={"lesson": "Tea"}, key="class:1")
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(recipient=coordinator).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, url, params",
    [
        ("no_such_kind", "/x/", {}),
        ("plan_changed", "https://evil.example/", {}),
        ("plan_changed", "//evil.example/", {}),
        ("plan_changed", "/x/", {"group": object()}),
        ("plan_changed", "/x/", {"group": ["a list"]}),
    ],
)
def test_bad_calls_store_nothing(coordinator, kind, url, params):
    with pytest.raises(ValueError):
        notify([coordinator], kind, url=url, params=params)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_missing_param_renders_empty_not_an_error(coordinator):
    (note,) = notify([coordinator], "plan_changed", url="/x/", params={})
    with translation.override("en"):
        assert note.text == "The plan of  changed."


@pytest.mark.django_db
def test_notify_on_commit_checks_at_once_and_stores_after_the_commit(
    coordinator, django_capture_on_commit_callbacks
):
    from notifications.services import notify_on_commit

    with pytest.raises(ValueError):
        notify_on_commit([coordinator], "plan_changed", url="https://evil.example/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_on_commit([coordinator], "plan_changed", url="/x/", params={"group": "G"})
        assert not Notification.objects.exists()
    assert len(callbacks) == 1 and Notification.objects.filter(recipient=coordinator).count() == 1
