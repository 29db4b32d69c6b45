"""Where a youth looks — "My camp" and their plan page — a self-study or recorded class has its
"Mark done" button (or "Done") and its quiz link; adults' pages have neither."""

import pytest
from django.urls import reverse

from activities.models import ItemDone


def _pages(client, item):
    plan = reverse("courses:plan_detail", args=[item.plan_id])
    return {
        "my_camp": client.get(reverse("my_camp")).content.decode(),
        "plan": client.get(plan).content.decode(),
    }


@pytest.mark.django_db
def test_the_youth_marks_done_from_the_plan_page_and_finds_the_quiz(
    client, youth, youth_participant, study_items, quiz
):
    item, live = study_items["self_study"], study_items["live"]
    done_url = reverse("activities:item_done", args=[item.pk])
    quiz_url = reverse("activities:study_item", args=[item.pk]) + "#quiz"
    client.force_login(youth)
    for name, page in _pages(client, item).items():
        assert f'action="{done_url}"' in page, name
        assert quiz_url in page, name
        assert reverse("activities:item_done", args=[live.pk]) not in page, "a live class is not marked done"
    plan_url = "http://testserver" + reverse("courses:plan_detail", args=[item.plan_id])
    response = client.post(done_url, HTTP_REFERER=plan_url)
    assert response.status_code == 302 and response["Location"] == plan_url
    assert ItemDone.objects.filter(participant=youth_participant, plan_item=item).exists()
    for name, page in _pages(client, item).items():
        assert f'action="{done_url}"' not in page, name
        assert "badge done" in page, name
        assert quiz_url in page, name
    # Marking again changes nothing (and a foreign Referer is not followed).
    response = client.post(done_url, HTTP_REFERER="https://evil.example/")
    assert response["Location"] == reverse("activities:study_item", args=[item.pk])
    assert ItemDone.objects.count() == 1


@pytest.mark.django_db
def test_adults_see_no_buttons_on_the_plan(client, teacher, coordinator, study_items, quiz):
    item = study_items["self_study"]
    for adult in (teacher, coordinator):
        client.force_login(adult)
        page = client.get(reverse("courses:plan_detail", args=[item.plan_id])).content.decode()
        assert reverse("activities:item_done", args=[item.pk]) not in page
        assert "study-actions" not in page
