"""`/api/v1/approvals/` (list, timeline, moves) and `/api/v1/stats/approvals/`: shapes, the access matrix, errors."""

import datetime as dt

import pytest

from guanjia.approvals.services import lifecycle as lc
from guanjia.approvals.tests.factories import at, item, pdf, travel

pytestmark = pytest.mark.django_db

LIST = "/api/v1/approvals/"
MONDAY = at(2026, 9, 28, 10, 0)
# API.md "project approvals": the item's fields.
PROJECT_APPROVAL_FIELDS = {"id", "catalogue_item", "name", "status", "agent", "planned_start", "planned_due",
                           "baseline_due", "critical", "float_days", "due_at", "provisional", "finished_on",
                           "document_number", "working_days_used", "committed_days"}


def made(world, **fields):
    with travel(at(2026, 9, 21, 9, 0)):
        return item(world, **fields)


def post(api, user, approval, action, data=None, **kwargs):
    api.force_authenticate(user)
    return api.post(f"{LIST}{approval.pk}/{action}/", data or {}, **kwargs)


def test_the_whole_life_through_the_api(api, world):
    approval = made(world, tolerance_allowed=True, tolerance_days=3)
    with travel(MONDAY):
        response = post(api, world.butler1, approval, "prepare", format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert set(body) >= PROJECT_APPROVAL_FIELDS and body["status"] == "preparing"
        response = post(api, world.butler1, approval, "accept-with-gap", {"gap": "不动产权证书",
                                                                           "attachments": [pdf()]},
                        format="multipart")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["status"] == "accepted_with_gap" and body["gap_commit_by"] == "2026-10-08"
        assert body["due_at"] == "2026-10-10T23:59:59.999999+08:00" and body["colour"] == "success"
    with travel(at(2026, 9, 29, 10, 0)):
        response = post(api, world.ent1_user, approval, "make-good", {"attachments": [pdf("产权证.pdf")]},
                        format="multipart")
        assert response.status_code == 200, response.json()
        assert response.json()["gap_made_good_on"] == "2026-09-29"
        assert post(api, world.unit_user2, approval, "review", format="json").status_code == 200
        response = post(api, world.unit_user2, approval, "request-correction", {"reason": ""}, format="json")
        assert response.status_code == 400 and response.json() == {"reason": ["请写明需要补正的材料。"]}
        response = post(api, world.unit_user2, approval, "request-correction", {"reason": "补充总平面图"},
                        format="json")
        assert response.json()["status"] == "correcting"
        response = post(api, world.butler1, approval, "resubmit", format="json")
        assert response.json()["status"] == "reviewing"
        response = post(api, world.unit_user2, approval, "approve", {"approved_on": "2026-09-29"}, format="json")
        assert response.status_code == 400
        assert response.json() == {"document_number": ["请填写批准文号。"]}
        response = post(api, world.unit_user2, approval, "approve",
                        {"document_number": "咸高规字〔2026〕18号", "approved_on": "2026-09-29"}, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["status"] == "approved" and body["working_days_used"] == 1 and body["finished_on"] == "2026-09-29"
        # Finished: every further move is a 409 with the reason.
        response = post(api, world.unit_user2, approval, "refuse", {"reason": "x"}, format="json")
        assert response.status_code == 409 and "已办结" in response.json()["detail"]
    timeline = api.get(f"{LIST}{approval.pk}/timeline/").json()
    assert [e["action"] for e in timeline] == ["prepare", "accept_with_gap", "make_good", "review",
                                               "request_correction", "resubmit", "approve"]
    assert timeline[1]["attachments"] == ["承诺书.pdf"] and timeline[1]["action_display"] == "容缺受理"


def test_access_matrix(api, world):
    """Seeing (404 outside scope) and acting (403) for each role on an item of project1 decided by unit2."""
    approval = made(world)
    expected = {  # name: (list sees it, prepare answers)
        "admin": (True, 200), "leader": (True, 403), "supervisor": (True, 403), "butler1": (True, 200),
        "butler2": (False, 404), "unit1": (False, 404), "unit2": (True, 200), "ent1": (True, 403),
        "ent2": (False, 404),
    }
    for name, person in world.users().items():
        seen, answer = expected[name]
        api.force_authenticate(person)
        assert (api.get(LIST).json()["count"] == 1) == seen, name
        assert api.get(f"{LIST}{approval.pk}/").status_code == (200 if seen else 404), name
        with travel(MONDAY):
            response = api.post(f"{LIST}{approval.pk}/prepare/", {}, format="json")
        assert response.status_code == answer, (name, response.json())
        if answer == 200:  # back to where it was for the next person
            from guanjia.approvals.models import Approval

            Approval.objects.filter(pk=approval.pk).update(status="not_started")
    api.force_authenticate(world.foreign_admin)
    assert api.get(f"{LIST}{approval.pk}/").status_code == 404
    api.force_authenticate(None)
    assert api.get(LIST).status_code in (401, 403)


def test_list_filters_and_fixed_queries(api, world, django_assert_max_num_queries):
    first = made(world)
    late = made(world, committed=1, statutory=2)
    made(world, project=world.project2, unit=world.unit1)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=late)
        lc.approval_accept(actor=world.butler1, approval=late)
    api.force_authenticate(world.admin)
    assert api.get(LIST, {"status": "accepted"}).json()["count"] == 1
    assert api.get(LIST, {"unit": world.unit1.pk}).json()["count"] == 1
    assert api.get(LIST, {"project": world.project1.pk}).json()["count"] == 2
    with travel(at(2026, 10, 9, 10, 0)):
        # `late` past its committed limit; `first`, not yet accepted, past its planned due (the handbook was
        # re-planned when `late` was accepted, which started its plan clock).
        assert {r["id"] for r in api.get(LIST, {"overdue": "true"}).json()["results"]} == {first.pk, late.pk}
        assert api.get(LIST, {"overdue": "false"}).json()["count"] == 1
    assert api.get(LIST, {"unit": "x"}).status_code == 400
    with django_assert_max_num_queries(8):
        rows = api.get(LIST).json()["results"]
    assert {r["id"] for r in rows} >= {first.pk, late.pk}


def test_enterprise_may_not_move_but_supplies(api, world):
    approval = made(world)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept(actor=world.butler1, approval=approval)
        assert post(api, world.ent1_user, approval, "approve", {"document_number": "1",
                                                                "approved_on": "2026-09-28"},
                    format="json").status_code == 403
        response = post(api, world.ent1_user, approval, "supply", {"attachments": [pdf()]}, format="multipart")
        assert response.status_code == 409  # nothing owed yet
        lc.approval_request_correction(actor=world.unit_user2, approval=approval, reason="补图纸")
        response = post(api, world.ent1_user, approval, "supply", {"comment": "图纸", "attachments": [pdf()]},
                        format="multipart")
        assert response.status_code == 200, response.json()


def _finish(world, approval, *, accept_on, approve_on, refuse=False):
    with travel(at(accept_on.year, accept_on.month, accept_on.day, 10, 0)):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept(actor=world.butler1, approval=approval)
    with travel(at(approve_on.year, approve_on.month, approve_on.day, 15, 0)):
        if refuse:
            return lc.approval_refuse(actor=world.admin, approval=approval, reason="不符合规划")
        return lc.approval_approve(actor=world.admin, approval=approval, document_number="文号",
                                   approved_on=approve_on)


def test_half_year_report_against_hand_counted_figures(api, world):
    """Four items finished in the second half of 2026 and one outside it, counted by hand:

    - A (自然资源局, planning, 5/20): accepted 09-28, approved 10-09 → 9-29, 9-30, 10-08, 10-09 = 4 ≤ 5, on time
    - B (自然资源局, planning, 3/10): accepted 09-28, approved 10-12 → … 10-10 (调休), 10-12 = 6 > 3, late
    - C (供电公司, utilities, 2/5): accepted 10-12, refused 10-13 → 1 ≤ 2, on time
    - D (供电公司, utilities, 5/20): accepted 09-28, not finished: not handled
    """
    a = made(world, committed=5, statutory=20)
    b = made(world, committed=3, statutory=10)
    c = made(world, committed=2, statutory=5, unit=world.unit1, stage="utilities")
    d = made(world, committed=5, statutory=20, unit=world.unit1, stage="utilities")
    _finish(world, a, accept_on=dt.date(2026, 9, 28), approve_on=dt.date(2026, 10, 9))
    _finish(world, b, accept_on=dt.date(2026, 9, 28), approve_on=dt.date(2026, 10, 12))
    _finish(world, c, accept_on=dt.date(2026, 10, 12), approve_on=dt.date(2026, 10, 13), refuse=True)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=d)
        lc.approval_accept(actor=world.butler1, approval=d)
    with travel(at(2026, 11, 2, 10, 0)):
        api.force_authenticate(world.leader)
        body = api.get("/api/v1/stats/approvals/").json()  # default: the current half year
    assert body["from"] == "2026-07-01" and body["to"] == "2026-12-31"
    assert (body["handled"], body["on_time"], body["on_time_rate"]) == (3, 2, 0.6667)
    assert body["avg_working_days"] == round((4 + 6 + 1) / 3, 1)  # 3.7
    assert body["avg_committed_days"] == round((5 + 3 + 2) / 3, 1) and body["avg_statutory_days"] == round(35 / 3, 1)
    by_unit = {row["name"]: row for row in body["by_unit"]}
    assert (by_unit["自然资源局"]["handled"], by_unit["自然资源局"]["on_time"]) == (2, 1)
    assert by_unit["自然资源局"]["avg_working_days"] == 5.0 and by_unit["自然资源局"]["on_time_rate"] == 0.5
    assert (by_unit["供电公司"]["handled"], by_unit["供电公司"]["refused"]) == (1, 1)
    assert [(row["stage"], row["handled"]) for row in body["by_stage"]] == [("planning", 2), ("utilities", 1)]
    assert body["benchmark"]["benchmark"] == 120
    empty = api.get("/api/v1/stats/approvals/", {"from": "2026-01-01", "to": "2026-06-30"}).json()
    assert empty["handled"] == 0 and empty["on_time_rate"] is None and empty["by_unit"] == []
    response = api.get("/api/v1/stats/approvals/", {"from": "2026-07-01", "to": "2026-06-30"})
    assert response.status_code == 400 and "to" in response.json()
    for name in ("butler1", "unit2", "ent1"):
        api.force_authenticate(world.users()[name])
        assert api.get("/api/v1/stats/approvals/").status_code == 403, name


def test_elapsed_working_days_against_the_committed_total_and_the_national_benchmark(world):
    """Handbook started Monday 9-21 and planned to finish 10-09; its one item approved 10-12."""
    from guanjia.approvals.models import Handbook
    from guanjia.approvals.report import approvals_elapsed

    approval = made(world)
    Handbook.objects.filter(pk=approval.handbook_id).update(planned_finish=dt.date(2026, 10, 9),
                                                            baseline_finish=dt.date(2026, 10, 9))
    _finish(world, approval, accept_on=dt.date(2026, 9, 28), approve_on=dt.date(2026, 10, 12))
    found = approvals_elapsed(user=world.butler1, project=world.project1, today=dt.date(2026, 11, 2))
    (row,) = found["projects"]
    # 9-22…9-24, 9-28…9-30 (中秋 9-25…27 and 国庆 off), 10-08, 10-09 = 8 planned; + 10-10 (调休), 10-12 = 10.
    assert (row["elapsed_working_days"], row["committed_total"], row["finished"]) == (10, 8, True)
    assert row["within_committed"] is False and row["within_benchmark"] is True
    assert found["zone"] == {"projects": 1, "finished": 1, "benchmark": 120, "avg_elapsed_finished": 10.0,
                             "over_benchmark": 0, "over_committed": 1}
    assert approvals_elapsed(user=world.butler2)["projects"] == []
