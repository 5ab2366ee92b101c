"""Every endpoint × every role × in-scope and out-of-scope objects.

Expected visibility is written out here by hand (DOMAIN.md "Who uses it"), not
derived from visible_to, so the test can fail. The URL patterns are discovered
from the URL conf: an object endpoint that is missing from ENDPOINTS fails the
test, so a new view cannot skip the matrix.
"""

import pytest
from django.db import transaction
from django.urls import get_resolver, reverse

from guanjia.tests_support.factories import UnitFactory, UserFactory, WorkstationFactory

# url name -> (object kind, HTTP method)
ENDPOINTS = {
    "enterprises:detail": ("enterprise", "get"),
    "enterprises:update": ("enterprise", "get"),
    "enterprises:assign-butler": ("enterprise", "get"),
    "enterprises:assign-leader": ("enterprise", "get"),
    "enterprises:archive": ("enterprise", "post"),
    "enterprises:restore": ("enterprise", "post"),
    "enterprises:contact-create": ("enterprise", "get"),
    "enterprises:contact-update": ("enterprise", "get"),
    "projects:detail": ("project", "get"),
    "projects:update": ("project", "get"),
    "projects:assign-butler": ("project", "get"),
    "projects:assign-leader": ("project", "get"),
    "projects:archive": ("project", "post"),
    "projects:restore": ("project", "post"),
    "org:unit-update": ("unit", "get"),
    "org:workstation-update": ("workstation", "get"),
    "org:person-update": ("person", "get"),
    "enterprise-detail": ("enterprise", "get"),
    "enterprise-restore": ("enterprise", "post"),
    "project-detail": ("project", "get"),
    "unit-detail": ("unit", "get"),
    "workstation-detail": ("workstation", "get"),
    "person-detail": ("person", "get"),
    "request-detail": ("request", "get"),
    "requests:detail": ("request", "get"),
    "requests:act": ("request", "post"),
    "requests:note": ("request", "post"),
    "requests:attachment": ("request", "get"),
    "request-timeline": ("request", "get"),
    **{f"request-{action}": ("request", "post") for action in (
        "accept", "reply", "transfer", "sign", "feedback", "return", "reassign", "extend", "suspend", "resume",
        "escalate", "resolve", "rate", "reopen", "close", "merge", "apply-extension", "approve-extension",
        "deny-extension", "uphold-return", "dismiss-return", "instruct")},
    "meetings:detail": ("meeting", "get"),
    "meetings:update": ("meeting", "get"),
    "meetings:hold": ("meeting", "get"),
    "meetings:close": ("meeting", "post"),
    "meetings:cancel": ("meeting", "get"),
    "meetings:action-add": ("meeting", "get"),
    "meetings:settle": ("meeting", "get"),
    "meetings:minutes": ("meeting", "get"),
    "meetings:action-complete": ("action_item", "get"),
    "meetings:action-item": ("action_item", "get"),
    "meeting-detail": ("meeting", "get"),
    "meeting-hold": ("meeting", "post"),
    "meeting-close": ("meeting", "post"),
    "meeting-cancel": ("meeting", "post"),
    "meeting-decisions": ("meeting", "post"),
    "meeting-settle": ("meeting", "post"),
    "meeting-minutes": ("meeting", "get"),
    "meeting-action-detail": ("action_item", "get"),
    "meeting-action-complete": ("action_item", "post"),
    "requests:rule-update": ("clockrule", "get"),
    "notifications:read": ("notification", "post"),
    "notifications:webhook-update": ("webhook", "get"),
    "notification-detail": ("notification", "get"),
    "notification-read": ("notification", "post"),
    "approvals:catalogue-item": ("catalogue_item", "get"),
    "approvals:catalogue-update": ("catalogue_item", "get"),
    "approvals:catalogue-archive": ("catalogue_item", "post"),
    "approvals:catalogue-restore": ("catalogue_item", "post"),
    "approval-item-detail": ("catalogue_item", "get"),
    "approval-item-restore": ("catalogue_item", "post"),
    # 代办 (issue 15): a handbook item's page, moves and files; the handbook's address.
    "approvals:approval": ("approval", "get"),
    "approvals:act": ("approval", "post"),
    "approvals:attachment": ("approval", "get"),
    "approvals:handbook": ("handbook", "get"),
    "approval-detail": ("approval", "get"),
    "approval-timeline": ("approval", "get"),
    **{f"approval-{action}": ("approval", "post") for action in (
        "prepare", "accept", "accept-with-gap", "make-good", "supply", "review", "request-correction", "resubmit",
        "approve", "refuse", "not-applicable")},
    "targets:delete": ("target", "post"),
    "targets:report": ("project", "post"),
    "targets:plan": ("project", "post"),
    "target-detail": ("target", "get"),
    "investment-report-detail": ("investment_report", "get"),
    "api-project-investment": ("project", "get"),
    "api-project-investment-plan": ("project", "post"),
    "approvals:handbook-plan": ("handbook", "get"),
    "approvals:handbook-agent": ("handbook", "get"),
    "approvals:handbook-authorize": ("handbook", "get"),
    "approvals:handbook-prerequisites": ("handbook", "get"),
    "approvals:handbook-attachment": ("handbook", "get"),
    "approvals:handbook-docx": ("handbook", "get"),
}
# Endpoints with a pk that are not object endpoints of ours (none yet).
NOT_OBJECT_ENDPOINTS: set[str] = set()
# Endpoints whose app runs its own copy of this matrix over its objects (promotion/tests/test_views.py).
MATRIX_OF_THEIR_OWN = {
    "promotion:hand-over", "promotion:table", "promotion:table-export", "promotion:table-act", "promotion:work-item",
    "promotion:work-item-act", "promotion:template-item-add", "promotion:template-item", "promotion:template-item-post",
    "work-item-detail", "work-item-start", "work-item-complete", "work-item-reopen", "work-item-cancel",
}
API_WRITES = [("enterprise-detail", "enterprise"), ("project-detail", "project"),
              ("approval-item-detail", "catalogue_item")]

ZONE_STAFF = {"ent1", "ent2", "project1", "project2", "unit", "workstation", "person", "request1", "request2",
              "meeting1", "action_item1", "catalogue_item", "approval1", "approval2", "handbook1", "handbook2",
              "target1", "investment_report1"}
# The approval catalogue is the zone's published list: every person of the zone reads it.
VISIBLE = {
    "admin": ZONE_STAFF | {"webhook", "clockrule"},  # group robots and time-limit rules: the zone's admins only
    "leader": ZONE_STAFF,
    "supervisor": ZONE_STAFF,
    "butler1": {"ent1", "project1", "unit", "catalogue_item", "workstation", "person", "request1", "meeting1",
                "action_item1", "notification1", "approval1", "handbook1", "target1",
                "investment_report1"},  # a notification only to its recipient
    "butler2": {"ent2", "project2", "unit", "catalogue_item", "workstation", "person", "request2", "approval2",
                "handbook2", "target1"},
    "unit1": {"unit", "catalogue_item", "workstation", "person", "request1",  # request1 was transferred to unit1
              "meeting1", "action_item1",  # unit1 attends meeting1 and owns its action item
              "approval1", "target1"},  # unit1 is the authority that decides approval1 (a unit sees no handbook)
    "unit2": {"unit", "catalogue_item", "workstation", "person", "approval2", "target1"},
    # an enterprise sees no targets, and the monthly investment of its own projects
    "ent1": {"ent1", "project1", "unit", "catalogue_item", "workstation", "request1", "approval1", "handbook1",
             "investment_report1"},
    "ent2": {"ent2", "project2", "unit", "catalogue_item", "workstation", "request2", "approval2", "handbook2"},
}


def _object_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif p.name and "pk" in p.pattern.regex.groupindex:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_object_endpoint_is_in_the_matrix():
    assert _object_url_names() - NOT_OBJECT_ENDPOINTS - MATRIX_OF_THEIR_OWN == set(ENDPOINTS)


def _args(url_name: str, obj) -> list[int]:
    if url_name == "enterprises:contact-update":
        return [obj.pk, obj.contacts.get().pk]
    if url_name == "requests:act":
        return [obj.pk, "accept"]
    if url_name in ("requests:attachment", "approvals:attachment"):
        return [obj.pk, obj.attachments.get().pk]
    if url_name == "approvals:act":
        return [obj.pk, "review"]
    if url_name == "approvals:handbook-prerequisites":
        return [obj.pk, obj.approvals.first().pk]
    if url_name == "approvals:handbook-attachment":
        return [obj.pk, obj.attachments.get().pk]
    return [obj.pk]


@pytest.fixture
def objects(world):
    from guanjia.enterprises.models import Contact

    for enterprise in (world.ent1, world.ent2, world.foreign_enterprise):
        Contact.objects.create(enterprise=enterprise, name="联系人", phone="13800000000")
    from guanjia.requests import services as rs
    from guanjia.tests_support.factories import UserFactory as People

    def raise_for(enterprise, butler):
        from django.core.files.uploadedfile import SimpleUploadedFile

        pdf = SimpleUploadedFile("用地说明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        return rs.request_raise(actor=butler, enterprise=enterprise, source="visit", category="land",
                                title=f"{enterprise.name}用地", description="x", attachments=[pdf])

    request1 = rs.request_accept(actor=world.butler1, request=raise_for(world.ent1, world.butler1))
    rs.request_transfer(actor=world.butler1, request=request1, lead_unit=world.unit1)
    request2 = raise_for(world.ent2, world.butler2)
    foreign_butler = People(zone=world.other_zone, roles=["butler"], workstation=world.foreign_enterprise.workstation)
    foreign_request = raise_for(world.foreign_enterprise, foreign_butler)
    import datetime as dt

    from django.utils import timezone

    from guanjia.meetings import services as ms

    due = timezone.localdate() + dt.timedelta(days=30)
    meeting1 = ms.meeting_create(actor=world.butler1, title="用地会办会", starts_at=timezone.now(),
                                 units=[world.unit1], requests=[request1])
    ms.meeting_hold(actor=world.butler1, meeting=meeting1, minutes="纪要")
    action_item1 = ms.action_item_add(actor=world.butler1, meeting=meeting1, text="出具供地方案",
                                      owner_unit=world.unit1, due_date=due)
    foreign_unit = UnitFactory(zone=world.other_zone)
    foreign_meeting = ms.meeting_create(actor=world.foreign_admin, title="达州协调会", starts_at=timezone.now(),
                                        units=[foreign_unit])
    ms.meeting_hold(actor=world.foreign_admin, meeting=foreign_meeting, minutes="纪要")
    foreign_action_item = ms.action_item_add(actor=world.foreign_admin, meeting=foreign_meeting, text="x",
                                             owner_unit=foreign_unit, due_date=due)
    from guanjia.notifications.models import Notification, WebhookEndpoint

    robot_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guanjia.approvals.services import lifecycle
    from guanjia.approvals.services.handbooks import handbook_authorize
    from guanjia.tests_support.approvals import catalogue_item, handbook

    def handbook_of(project, unit):
        return handbook(project, [catalogue_item(project.zone, unit)], start=timezone.localdate())

    handbook1, handbook2 = handbook_of(world.project1, world.unit1), handbook_of(world.project2, world.unit2)
    foreign_handbook = handbook_of(world.foreign_project, foreign_unit)
    for book, actor in ((handbook1, world.butler1), (handbook2, world.butler2), (foreign_handbook, world.foreign_admin)):
        handbook_authorize(actor=actor, handbook=book, uploads=[
            SimpleUploadedFile("委托书.pdf", b"%PDF-1.4 test", content_type="application/pdf")])

    def accepted(book, actor):  # with a file (受理通知书)
        approval = lifecycle.approval_prepare(actor=actor, approval=book.approvals.get())
        return lifecycle.approval_accept(actor=actor, approval=approval, attachments=[
            SimpleUploadedFile("受理通知书.pdf", b"%PDF-1.4 test", content_type="application/pdf")])

    approval1, approval2 = accepted(handbook1, world.butler1), accepted(handbook2, world.butler2)
    foreign_approval = accepted(foreign_handbook, world.foreign_admin)
    from guanjia.requests.models import ClockRule
    from guanjia.targets.models import InvestmentReport, Target

    month = dt.date(2025, 6, 1)
    targets = {
        "target1": ("target", Target.objects.create(zone=world.zone, year=2025, kind="new_starts", value=20)),
        "foreign_target": ("target", Target.objects.create(zone=world.other_zone, year=2025, kind="new_starts",
                                                           value=9)),
        "investment_report1": ("investment_report", InvestmentReport.objects.create(
            project=world.project1, month=month, amount=10)),
        "foreign_investment_report": ("investment_report", InvestmentReport.objects.create(
            project=world.foreign_project, month=month, amount=10)),
    }
    return {
        "catalogue_item": ("catalogue_item", catalogue_item(world.zone, world.unit2, name="施工图审查")),
        "foreign_catalogue_item": ("catalogue_item", catalogue_item(world.other_zone, foreign_unit, name="施工图审查")),
        **targets,
        "clockrule": ("clockrule", ClockRule.objects.create(zone=world.zone, kind="sign", measure="days", amount=2)),
        "foreign_clockrule": ("clockrule", ClockRule.objects.create(zone=world.other_zone, kind="sign",
                                                                    measure="days", amount=2)),
        "notification1": ("notification", Notification.objects.create(
            zone=world.zone, recipient=world.butler1, kind="new_request", title="通知")),
        "foreign_notification": ("notification", Notification.objects.create(
            zone=world.other_zone, recipient=world.foreign_admin, kind="new_request", title="通知")),
        "webhook": ("webhook", WebhookEndpoint.objects.create(zone=world.zone, name="供电公司群", kind="wecom",
                                                              url=robot_url)),
        "foreign_webhook": ("webhook", WebhookEndpoint.objects.create(zone=world.other_zone, name="达州群",
                                                                      kind="wecom", url=robot_url)),
        "meeting1": ("meeting", meeting1), "foreign_meeting": ("meeting", foreign_meeting),
        "approval1": ("approval", approval1), "approval2": ("approval", approval2),
        "foreign_approval": ("approval", foreign_approval),
        "handbook1": ("handbook", handbook1), "handbook2": ("handbook", handbook2),
        "foreign_handbook": ("handbook", foreign_handbook),
        "action_item1": ("action_item", action_item1), "foreign_action_item": ("action_item", foreign_action_item),
        "request1": ("request", request1), "request2": ("request", request2),
        "foreign_request": ("request", foreign_request),
        "ent1": ("enterprise", world.ent1), "ent2": ("enterprise", world.ent2),
        "foreign_enterprise": ("enterprise", world.foreign_enterprise),
        "project1": ("project", world.project1), "project2": ("project", world.project2),
        "foreign_project": ("project", world.foreign_project),
        "unit": ("unit", world.unit1), "foreign_unit": ("unit", UnitFactory(zone=world.other_zone)),
        "workstation": ("workstation", world.ws1),
        "foreign_workstation": ("workstation", WorkstationFactory(zone=world.other_zone)),
        "person": ("person", world.unit_user2), "foreign_person": ("person", world.foreign_admin),
        "foreign_person2": ("person", UserFactory(zone=world.other_zone, roles=["butler"])),
    }


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_matrix(client, world, objects, role):
    user = world.users()[role]
    client.force_login(user)
    failures = []
    for url_name, (kind, method) in ENDPOINTS.items():
        for key, (obj_kind, obj) in objects.items():
            if obj_kind != kind:
                continue
            with transaction.atomic():
                response = getattr(client, method)(reverse(url_name, args=_args(url_name, obj)))
                transaction.set_rollback(True)
            visible = key in VISIBLE[role]
            if visible and response.status_code == 404:
                failures.append(f"{url_name} {key}: 404 but should be visible")
            if not visible and response.status_code != 404:
                failures.append(f"{url_name} {key}: {response.status_code}, expected 404")
            if response.status_code >= 500:
                failures.append(f"{url_name} {key}: {response.status_code}")
    for url_name, kind in API_WRITES:
        for key, (obj_kind, obj) in objects.items():
            if obj_kind != kind or key in VISIBLE[role]:
                continue
            for method in ("patch", "delete"):
                with transaction.atomic():
                    response = getattr(client, method)(reverse(url_name, args=[obj.pk]), {"name": "x"},
                                                       content_type="application/json")
                    transaction.set_rollback(True)
                if response.status_code != 404:
                    failures.append(f"{method} {url_name} {key}: {response.status_code}, expected 404")
    assert not failures, "\n".join(failures)


LISTS = {"enterprises:list": "enterprise", "projects:list": "project", "enterprise-list": "enterprise",
         "project-list": "project"}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_lists_and_exports_show_exactly_the_scope(client, world, objects, role):
    client.force_login(world.users()[role])
    for url_name, kind in LISTS.items():
        response = client.get(reverse(url_name))
        assert response.status_code == 200, url_name
        body = response.content.decode()
        for key, (obj_kind, obj) in objects.items():
            if obj_kind != kind:
                continue
            assert (obj.name in body) == (key in VISIBLE[role]), f"{url_name} {key}"
    export = client.get(reverse("enterprises:export"))
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content), read_only=True).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = {obj.name for key, (kind, obj) in objects.items() if kind == "enterprise" and key in VISIBLE[role]}
    assert names == expected
    # 全部诉求's export: the requests the role sees, by number (a supervisor's and a leader's: the zone's).
    export = client.get(reverse("requests:export"))
    assert export.status_code == 200
    numbers = {row[0] for row in load_workbook(BytesIO(export.content), read_only=True).active.iter_rows(
        min_row=2, values_only=True)}
    assert numbers == {obj.number for key, (kind, obj) in objects.items() if kind == "request"
                       and key in VISIBLE[role]}
