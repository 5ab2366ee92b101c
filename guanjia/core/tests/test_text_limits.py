"""Free text a person types is at most TEXT_MAX characters in every app: a 400 (or a form error) on the field
past it, and nothing written. Found by fuzzing the API: meeting minutes, decisions, action-item results,
enterprise notes and project descriptions took 4 MB while requests' texts were limited."""

import pytest

from guanjia.core.text import TEXT_MAX
from guanjia.enterprises.models import Enterprise
from guanjia.meetings.models import ActionItem, Meeting
from guanjia.meetings.tests.factories import held_meeting
from guanjia.projects.models import Project

TOO_LONG = "字" * (TEXT_MAX + 1)


def _decision(world, meeting, **fields):
    return {"text": "出具增容方案", "owner_unit": world.unit1.pk, "days": 5, **fields}


@pytest.mark.parametrize("case", ["minutes", "decision", "result", "note", "description"])
def test_free_text_past_the_limit_is_a_400_on_its_field_and_nothing_is_written(api, world, case):
    api.force_authenticate(world.admin)
    meeting = held_meeting(world)
    if case == "minutes":
        url, body, field, method = f"/api/v1/meetings/{meeting.pk}/", {"minutes": TOO_LONG}, "minutes", api.patch
    elif case == "decision":
        url, body, field, method = (f"/api/v1/meetings/{meeting.pk}/decisions/", _decision(world, meeting, text=TOO_LONG),
                                    "text", api.post)
    elif case == "result":
        response = api.post(f"/api/v1/meetings/{meeting.pk}/decisions/", _decision(world, meeting), format="json")
        item = response.json()["id"]
        url, body, field, method = f"/api/v1/meeting-actions/{item}/complete/", {"result": TOO_LONG}, "result", api.post
    elif case == "note":
        url, body, field, method = f"/api/v1/enterprises/{world.ent1.pk}/", {"internal_note": TOO_LONG}, "internal_note", api.patch
    else:
        url, body, field, method = (f"/api/v1/projects/{world.project1.pk}/", {"description": TOO_LONG}, "description",
                                    api.patch)
    response = method(url, body, format="json")
    assert response.status_code == 400, response.content[:200]
    assert list(response.json()) == [field] and f"不能超过 {TEXT_MAX} 个字" in response.json()[field][0]
    assert not Meeting.objects.filter(minutes__startswith="字字").exists()
    assert not ActionItem.objects.filter(text__startswith="字字").exists()
    assert not ActionItem.objects.filter(result__startswith="字字").exists()
    assert not Enterprise.objects.filter(internal_note__startswith="字字").exists()
    assert not Project.objects.filter(description__startswith="字字").exists()


def test_the_limit_itself_is_accepted(api, world):
    api.force_authenticate(world.admin)
    response = api.patch(f"/api/v1/enterprises/{world.ent1.pk}/", {"internal_note": "字" * TEXT_MAX}, format="json")
    assert response.status_code == 200 and len(response.json()["internal_note"]) == TEXT_MAX


def test_the_enterprise_page_shows_the_limit_on_the_field(client, world):
    from django.urls import reverse

    client.force_login(world.admin)
    ent = world.ent1
    response = client.post(reverse("enterprises:update", args=[ent.pk]), {
        "name": ent.name, "uscc": ent.uscc, "industry": ent.industry, "scale": ent.scale,
        "workstation": ent.workstation_id, "internal_note": TOO_LONG})
    assert response.status_code == 200 and "internal_note" in response.context["form"].errors
    ent.refresh_from_db()
    assert ent.internal_note != TOO_LONG
