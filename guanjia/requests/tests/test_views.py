"""Request pages per role: raise (staff and 吹哨), worklist, detail with actions, errors as messages."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanjia.requests import services as s
from guanjia.requests.models import Request


def raise_one(world, actor=None, enterprise=None):
    return s.request_raise(actor=actor or world.butler1, enterprise=enterprise or world.ent1, source="visit",
                           category="factors", title="用电增容", description="需增容。")


def test_enterprise_blows_the_whistle_with_an_attachment(client, world):
    client.force_login(world.ent1_user)
    pdf = SimpleUploadedFile("负荷计算.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(reverse("requests:create"), {
        "enterprise": world.ent2.pk,  # ignored: the portal form fixes the contact's own enterprise
        "category": "factors", "urgency": "urgent", "title": "停电影响生产", "description": "厂区频繁停电。",
        "attachments": [pdf]})
    request = Request.objects.get(title="停电影响生产")
    assert response.status_code == 302 and request.enterprise == world.ent1 and request.source == "portal"
    page = client.get(request.get_absolute_url()).content.decode()
    assert "负荷计算.pdf" in page and "签收时限" in page
    assert f"诉求已提交，编号 {request.number}。" in page  # the message names the number it was given
    download = client.get(reverse("requests:attachment", args=[request.pk, request.attachments.get().pk]))
    assert download.status_code == 200


def test_staff_raise_form_errors_are_shown(client, world):
    client.force_login(world.butler1)
    response = client.post(reverse("requests:create"), {"enterprise": world.ent1.pk, "source": "letter",
                                                        "category": "land", "urgency": "normal", "title": "x",
                                                        "description": "y"})
    page = response.content.decode()
    assert response.status_code == 200 and "直通车须选择收信领导" in page
    assert "诉求已提交" not in page  # no success message for what was not saved
    assert not Request.objects.exists()


def test_the_raise_form_sent_twice_makes_one_request(client, world):
    client.force_login(world.butler1)
    form = client.get(reverse("requests:create")).context["form"]
    key = form.initial["intake_key"]
    assert key and f'value="{key}"' in str(form["intake_key"])
    data = {"enterprise": world.ent1.pk, "source": "visit", "category": "land", "urgency": "normal",
            "title": "二期用地", "description": "需新增用地。", "intake_key": key}
    first = client.post(reverse("requests:create"), data)
    again = client.post(reverse("requests:create"), data, follow=True)  # a double-click, or a reload
    request = Request.objects.get()
    assert first.url == request.get_absolute_url() and again.redirect_chain[-1][0] == request.get_absolute_url()
    assert "已提交过" in again.content.decode() and request.number in again.content.decode()
    # A new form is a new key: the same words raised again are a second request.
    fresh = client.get(reverse("requests:create")).context["form"].initial["intake_key"]
    assert fresh != key
    client.post(reverse("requests:create"), {**data, "intake_key": fresh})
    assert Request.objects.count() == 2


def test_worklist_and_actions_from_the_page(client, world):
    request = raise_one(world)
    client.force_login(world.butler1)
    worklist = client.get(reverse("workflow:worklist")).content.decode()
    assert request.title in worklist
    assert "ordering=" not in worklist  # always soonest deadline first: no sort links that would not sort
    assert "?ordering=number" in client.get(reverse("requests:list")).content.decode()
    assert request.title in client.get(reverse("home")).content.decode()
    detail = client.get(request.get_absolute_url()).content.decode()
    assert f'action="/requests/{request.pk}/act/accept/"' in detail
    client.post(reverse("requests:act", args=[request.pk, "accept"]), {"version": request.version})
    request.refresh_from_db()
    assert request.status == "accepted"
    # a double click (stale version) gets a clear message, not an error page
    response = client.post(reverse("requests:act", args=[request.pk, "accept"]), {"version": 1}, follow=True)
    assert response.status_code == 200 and "刷新" in response.content.decode()
    response = client.post(reverse("requests:act", args=[request.pk, "transfer"]), {"comment": "x"}, follow=True)
    assert "请选择牵头单位" in response.content.decode()
    assert 'name="co_unit_due"' in client.get(request.get_absolute_url()).content.decode()
    today = timezone.localdate()
    client.post(reverse("requests:act", args=[request.pk, "transfer"]),
                {"lead_unit": world.unit1.pk, "co_units": [world.unit2.pk], "co_unit_due": today.isoformat()})
    request.refresh_from_db()
    assert request.status == "transferred"
    co_task = request.unit_tasks.get(role="co")
    assert timezone.localtime(co_task.due_at).date() == today < timezone.localtime(request.unit_tasks.get(
        role="lead").due_at).date()


def test_unit_signs_and_enterprise_rates_from_pages(client, world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    client.force_login(world.unit_user1)
    assert 'act/sign/' in client.get(request.get_absolute_url()).content.decode()
    signed = client.post(reverse("requests:act", args=[request.pk, "sign"]), follow=True)
    assert "已签收，请按时限办理并反馈。" in signed.content.decode()  # not "已部门签收"
    client.post(reverse("requests:act", args=[request.pk, "feedback"]), {"comment": "已送电"})
    request.refresh_from_db()
    s.request_resolve(actor=world.butler1, request=request, answer="已办结")
    client.force_login(world.ent1_user)
    rated = client.post(reverse("requests:act", args=[request.pk, "rate"]), {"rating": "satisfied"}, follow=True)
    assert "感谢您的评价。" in rated.content.decode()
    request.refresh_from_db()
    assert request.status == "closed" and request.rating == "satisfied"


def test_unknown_action_is_404_and_notes_hidden(client, world):
    request = raise_one(world)
    client.force_login(world.butler1)
    assert client.post(reverse("requests:act", args=[request.pk, "explode"])).status_code == 404
    client.post(reverse("requests:note", args=[request.pk]), {"comment": "内部：先摸底"})
    client.force_login(world.ent1_user)
    assert "内部：先摸底" not in client.get(request.get_absolute_url()).content.decode()


def test_list_and_worklist_query_counts_are_fixed(client, world):
    client.force_login(world.admin)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    raise_one(world)
    before = (count(reverse("requests:list")), count(reverse("workflow:worklist")), count(reverse("home")))
    for n in range(12):
        raise_one(world, enterprise=world.ent2 if n % 2 else world.ent1)
    assert (count(reverse("requests:list")), count(reverse("workflow:worklist")), count(reverse("home"))) == before


def test_the_list_counts_its_rows_without_the_columns_joins(client, world):
    """The center's 全部诉求 counts the requests alone: joining each row's enterprise and butler to count
    them took 400 ms at 200 000 requests on SQLite (8 ms without). A search reads the enterprises by name
    as a list of ids, not across the join either (360 ms → 70 ms)."""
    for n in range(31):
        raise_one(world, enterprise=world.ent2 if n % 2 else world.ent1)
    s.request_accept(actor=world.butler1, request=Request.objects.filter(enterprise=world.ent1).first())
    client.force_login(world.admin)
    for query, total in [("", 31), ("?status=accepted", 1), ("?q=" + world.ent2.name[:4], 15)]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("requests:list") + query)
        assert response.context["paginator"].count == total, query
        (counting,) = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"] and "requests_request" in q["sql"]]
        assert "JOIN" not in counting, counting
    assert len(response.context["object_list"]) == 15


def test_worklist_pages_within_its_query_budget(client, world):
    for _n in range(31):
        raise_one(world)  # ent1's: butler1's worklist
    client.force_login(world.butler1)

    def get(url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        return response, len(ctx)

    # session, user (with the zone), roles, the counts per kind (the total), the page's rows, the count
    # of what waits on others, and the unread notices
    first, queries = get(reverse("workflow:worklist"))
    assert first.status_code == 200 and queries == 7
    assert first.context["paginator"].count == 31 and len(first.context["object_list"]) == 30
    second, queries = get(reverse("workflow:worklist") + "?page=2")
    assert second.status_code == 200 and queries == 7 and len(second.context["object_list"]) == 1
    assert client.get(reverse("workflow:worklist") + "?page=3").status_code == 404


def test_clock_rule_pages(client, world):
    from guanjia.requests.models import ClockRule

    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    client.force_login(world.admin)
    assert "默认规则" in client.get(reverse("requests:rules")).content.decode()
    response = client.post(reverse("requests:rule-create"), {"kind": "resolution", "measure": "days", "amount": "25",
                                                             "warn": "1"}, follow=True)
    assert "1 个未完成时限已按新规则重算" in response.content.decode()
    assert ClockRule.objects.get().amount == 25
    before = request.due_at
    request.refresh_from_db()
    assert request.due_at > before
    response = client.post(reverse("requests:rule-create"), {"kind": "sign", "measure": "days", "amount": "0",
                                                             "warn": "1"})
    assert response.status_code == 200 and "正整数" in response.content.decode()
    client.force_login(world.leader)
    assert client.get(reverse("requests:rules")).status_code == 403


def test_the_raise_button_shows_only_to_those_who_may_raise(client, world):
    """A unit's handler or a supervisor saw 登记诉求 on the list, and it answered 403."""
    create = reverse("requests:create")
    shown = {}
    for name, person in world.users().items():
        client.force_login(person)
        allowed = client.get(create).status_code
        assert allowed in (200, 403), (name, allowed)
        on_list = f'href="{create}"' in client.get(reverse("requests:list")).content.decode()
        on_home = f'href="{create}"' in client.get(reverse("home")).content.decode()
        assert on_list == on_home == (allowed == 200), (name, allowed, on_list, on_home)
        shown[name] = on_list
    assert shown == {"admin": True, "leader": True, "butler1": True, "butler2": True, "unit1": False,
                     "unit2": False, "supervisor": False, "ent1": True, "ent2": True}


def test_the_enterprise_is_a_link_only_for_those_who_may_open_it(client, world):
    """A unit's handler sees the request transferred to it, not the enterprise's record: its name, no dead link."""
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    link = f'<a href="{world.ent1.get_absolute_url()}">{world.ent1.name}</a>'
    for person, linked in ((world.butler1, True), (world.admin, True), (world.ent1_user, True),
                           (world.unit_user1, False)):
        client.force_login(person)
        page = client.get(request.get_absolute_url()).content.decode()
        assert (link in page, world.ent1.name in page) == (linked, True), person
        assert (client.get(world.ent1.get_absolute_url()).status_code == 200) == linked, person


def test_labels_are_separated_in_the_reader_s_language(client, world):
    """"责任管家：李玲" in Chinese; "Responsible butler: 李玲" in English, not with the full-width colon."""
    request = raise_one(world)
    client.force_login(world.butler1)
    page = client.get(request.get_absolute_url()).content.decode()
    assert f"责任管家：{world.butler1}" in page

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(request.get_absolute_url()).content.decode()
    assert f": {world.butler1}</div>" in page and "：" not in page.replace(request.title, "")


def _tab_open(page: str, name: str) -> bool:
    """The action's pill and its form are the ones shown (Bootstrap's `active`), and no other is."""
    return (page.count('class="nav-link active"') == 1 and f'data-bs-target="#act-{name}"' in page.split(
        'class="nav-link active"')[1].split(">")[0] and f'id="act-{name}" class="tab-pane fade show active"' in page)


def _refused(response, name: str) -> str:
    """The refused action's form on a re-rendered page, which must be the one tab shown."""
    page = response.content.decode()
    assert response.status_code == 200 and _tab_open(page, name)
    return page.split(f'id="act-{name}"')[1].split("</form>")[0]


def test_a_refused_transfer_keeps_its_tab_and_what_was_typed(client, world):
    """转办 with the co-units due after the lead unit: the usability audit saw the 办理 card back on its first
    tab with the units, dates and comment gone; the service's refusal now sits under 协办时限."""
    import datetime as dt

    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    events = request.events.count()
    client.force_login(world.butler1)
    today = timezone.localdate()
    # Both within the request's own 办结时限 (more working days than these calendar days, whatever the date),
    # the co-units' after the lead unit's.
    unit_due, co_unit_due = today + dt.timedelta(days=3), today + dt.timedelta(days=6)
    response = client.post(reverse("requests:act", args=[request.pk, "transfer"]), {
        "lead_unit": world.unit1.pk, "co_units": [world.unit2.pk], "unit_due": unit_due.isoformat(),
        "co_unit_due": co_unit_due.isoformat(), "comment": "请供电公司牵头，十日内答复", "version": request.version})
    page = response.content.decode()
    transfer = _refused(response, "transfer")
    assert "协办时限不能晚于牵头单位的时限" in transfer.split('name="co_unit_due"')[1]
    assert f'<option value="{world.unit1.pk}" selected>' in transfer.split('name="lead_unit"')[1].split("</select>")[0]
    assert f'<option value="{world.unit2.pk}" selected>' in transfer.split('name="co_units"')[1].split("</select>")[0]
    assert f'value="{unit_due.isoformat()}"' in transfer and f'value="{co_unit_due.isoformat()}"' in transfer
    assert "请供电公司牵头，十日内答复" in transfer
    assert "已转办。" not in page
    request.refresh_from_db()
    assert request.status == "accepted" and not request.unit_tasks.exists() and request.events.count() == events


def test_an_extension_over_the_cap_keeps_its_tab_and_what_was_typed(client, world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_extend(actor=world.admin, request=request, days=20, reason="等待规划调整")
    client.force_login(world.admin)
    response = client.post(reverse("requests:act", args=[request.pk, "extend"]),
                           {"days": "15", "reason": "企业补充环评材料", "version": request.version})
    extend = _refused(response, "extend")
    days = extend.split('name="days"')[1].split('name="reason"')[0]
    assert 'value="15"' in days and "累计延期不能超过 30 个工作日（已延期 20 个）" in days
    assert 'value="企业补充环评材料"' in extend
    request.refresh_from_db()
    assert (request.extension_count, request.extended_days) == (1, 20)


def test_a_suspension_refused_by_the_form_or_the_service_keeps_its_tab(client, world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    client.force_login(world.butler1)
    url = reverse("requests:act", args=[request.pk, "suspend"])
    for reason, error in (("", "请选择中止原因"), ("lunch", "选择一个有效的选项")):  # the service's check, the form's
        response = client.post(url, {"suspend_reason": reason, "comment": "等企业补交土地证明",
                                     "version": request.version})
        suspend = _refused(response, "suspend")
        assert error in suspend.split('name="suspend_reason"')[1].split('name="comment"')[0], reason
        assert "等企业补交土地证明" in suspend, reason
        request.refresh_from_db()
        assert request.status == "accepted" and request.events.count() == 2, reason  # raised, accepted


def test_an_error_without_a_field_in_the_tab_shows_above_its_fields(client, world):
    """A refusal the tab has no field for (here a hand-made `days` on 签收) still shows, at the top of the tab."""
    request = raise_one(world)
    client.force_login(world.butler1)
    response = client.post(reverse("requests:act", args=[request.pk, "accept"]),
                           {"days": "x", "comment": "今日上门", "version": request.version})
    accept = _refused(response, "accept")
    assert "延期工作日：输入整数。" in accept.split('name="comment"')[0] and "今日上门" in accept
    request.refresh_from_db()
    assert request.status == "submitted"


def test_a_refused_note_keeps_what_was_typed(client, world):
    request = raise_one(world)
    client.force_login(world.butler1)
    too_long = "企业反映" * 2501  # over the 10 000 characters a text may have
    response = client.post(reverse("requests:note", args=[request.pk]), {"comment": too_long, "public": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and too_long in page and "不能超过 10000 个字" in page
    assert 'name="public" id="note-public" checked' in page
    assert request.events.count() == 1


def test_after_a_reopen_the_old_answer_is_shown_as_an_earlier_one_not_the_outcome(client, world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_resolve(actor=world.butler1, request=request, answer="已完成增容送电")
    client.force_login(world.butler1)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "alert-success" in page and 'id="earlier-answer"' not in page
    s.request_rate(actor=world.ent1_user, request=request, rating="unsatisfied", reason="仍然停电")
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="earlier-answer"' in page and "上次答复（已重办）" in page and "已完成增容送电" in page
    assert '<div class="alert alert-success mb-2"><strong>答复' not in page


def _transferred(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    return s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)


def test_a_unit_applies_for_an_extension_from_its_tab(client, world):
    request = _transferred(world)
    client.force_login(world.unit_user2)  # no task on it: not its request to see, let alone extend
    assert client.get(request.get_absolute_url()).status_code == 404
    client.force_login(world.unit_user1)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'data-bs-target="#act-apply_extension"' in page and 'id="act-extend"' not in page
    applying = page.split('id="act-apply_extension"')[1].split("</form>")[0]
    assert 'name="days"' in applying and 'name="reason"' in applying and 'name="comment"' not in applying
    response = client.post(reverse("requests:act", args=[request.pk, "apply_extension"]),
                           {"days": "5", "reason": "需等待线路停电窗口", "version": request.version}, follow=True)
    page = response.content.decode()
    assert "已提交延期申请，等待领导审批。" in page
    pending = page.split('id="pending-extension"')[1].split("</div>\n    </div>")[0]
    assert "unit1" in pending or str(world.unit_user1) in pending
    assert "申请延期 5 个工作日" in pending and "需等待线路停电窗口" in pending and world.unit1.name in pending
    assert 'id="act-apply_extension"' not in page  # one pending at a time: no second application offered
    assert request.extension_applications.get().status == "pending"


def test_a_refused_application_keeps_its_tab_and_what_was_typed(client, world):
    request = _transferred(world)
    request = s.request_extend(actor=world.admin, request=request, days=20, reason="等待规划调整")
    client.force_login(world.butler1)
    response = client.post(reverse("requests:act", args=[request.pk, "apply_extension"]),
                           {"days": "15", "reason": "企业补充环评材料", "version": request.version})
    page = response.content.decode()
    assert response.status_code == 200 and _tab_open(page, "apply_extension")
    applying = page.split('id="act-apply_extension"')[1].split("</form>")[0]
    days = applying.split('name="days"')[1].split('name="reason"')[0]
    assert 'value="15"' in days and "累计延期不能超过 30 个工作日（已延期 20 个）" in days
    assert 'value="企业补充环评材料"' in applying
    assert not request.extension_applications.exists()


def test_a_leader_approves_and_an_admin_denies_from_the_page(client, world):
    request = _transferred(world)
    client.force_login(world.leader)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="act-approve_extension"' not in page and 'id="pending-extension"' not in page
    s.request_apply_extension(actor=world.butler1, request=request, days=3, reason="企业补充材料")
    request.refresh_from_db()
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="pending-extension"' in page and "企业补充材料" in page
    assert 'id="act-approve_extension"' in page and 'id="act-deny_extension"' in page
    assert 'id="act-apply_extension"' not in page  # an approver extends directly (延期) or decides
    response = client.post(reverse("requests:act", args=[request.pk, "approve_extension"]),
                           {"comment": "同意", "version": request.version}, follow=True)
    assert "已批准延期申请，办结时限已延长。" in response.content.decode()
    request.refresh_from_db()
    assert (request.extension_count, request.extended_days) == (1, 3)

    s.request_apply_extension(actor=world.butler1, request=request, days=2, reason="再等两天")
    request.refresh_from_db()
    client.force_login(world.admin)
    url = reverse("requests:act", args=[request.pk, "deny_extension"])
    response = client.post(url, {"reason": "", "version": request.version})
    page = response.content.decode()
    assert response.status_code == 200 and _tab_open(page, "deny_extension") and "请填写驳回理由" in page
    response = client.post(url, {"reason": "可按期办结", "version": request.version}, follow=True)
    assert "已驳回延期申请。" in response.content.decode()
    request.refresh_from_db()
    assert request.extension_count == 1
    assert request.extension_applications.filter(status="denied").get().decision_reason == "可按期办结"


def test_the_enterprise_does_not_see_a_pending_application(client, world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    s.request_apply_extension(actor=world.butler1, request=request, days=3, reason="内部：等待规划调整")
    client.force_login(world.ent1_user)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="pending-extension"' not in page and "内部：等待规划调整" not in page


def test_leaders_and_admins_find_pending_applications_in_their_worklist(client, world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    for who in (world.leader, world.admin):
        client.force_login(who)
        assert request.title not in client.get(reverse("workflow:worklist")).content.decode()
    s.request_apply_extension(actor=world.butler1, request=request, days=3, reason="企业补充材料")
    for who in (world.leader, world.admin):
        client.force_login(who)
        assert request.title in client.get(reverse("workflow:worklist")).content.decode(), who
    s.request_deny_extension(actor=world.leader, request=request, reason="可按期办结")
    client.force_login(world.leader)
    assert request.title not in client.get(reverse("workflow:worklist")).content.decode()


def test_a_butler_merges_a_duplicate_from_its_page(client, world):
    """并单 was in the API only: the duplicate's page offers its enterprise's other requests that go on."""
    kept = s.request_accept(actor=world.butler1, request=raise_one(world))
    duplicate = raise_one(world, actor=world.ent1_user)
    other_enterprise = raise_one(world, actor=world.butler2, enterprise=world.ent2)
    client.force_login(world.butler1)
    page = client.get(duplicate.get_absolute_url()).content.decode()
    merge = page.split('id="act-merge"')[1].split("</form>")[0]
    assert f'<option value="{kept.pk}">' in merge
    assert f'value="{duplicate.pk}"' not in merge and f'value="{other_enterprise.pk}"' not in merge
    url = reverse("requests:act", args=[duplicate.pk, "merge"])
    refused = _refused(client.post(url, {"into": other_enterprise.pk, "comment": "重复",
                                         "version": duplicate.version}), "merge")
    assert "重复" in refused and "invalid-feedback" in refused.split('name="into"')[1]
    response = client.post(url, {"into": kept.pk, "comment": "与已受理诉求重复", "version": duplicate.version})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.merged_into == kept


def test_a_request_with_a_meeting_s_action_item_shows_its_own_and_its_units_deadlines(client, world):
    """The action item is an item of its own under the request: its deadline is not one of the request's
    clocks, and the enterprise (which sees no meeting) never sees it."""
    import datetime as dt

    from guanjia.meetings import services as ms

    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    meeting = ms.meeting_create(actor=world.butler1, title="增容会办会", starts_at=timezone.now(),
                                units=[world.unit2], requests=[request])
    ms.meeting_hold(actor=world.butler1, meeting=meeting, minutes="纪要")
    ms.action_item_add(actor=world.butler1, meeting=meeting, text="核实用地红线", owner_unit=world.unit2,
                       due_date=timezone.localdate() + dt.timedelta(days=20), request=request)
    for person in (world.butler1, world.ent1_user):
        client.force_login(person)
        response = client.get(request.get_absolute_url())
        assert response.status_code == 200
        kinds = [str(label) for _clock, label, _state, _colour in response.context["clocks"]]
        assert "督办事项完成时限" not in kinds and "部门办理时限" in kinds and "办结时限" in kinds, kinds
    assert "核实用地红线" not in response.content.decode()  # the enterprise sees no meeting's decisions


def test_overdue_finds_a_request_whose_unit_is_past_its_deadline(client, world):
    import datetime as dt

    import time_machine

    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                       unit_due=timezone.localdate() + dt.timedelta(days=1))
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        client.force_login(world.admin)  # a session of its own: an idle one ends
        found = [r["pk"] for r in client.get(reverse("requests:list") + "?overdue=true").context["object_list"]]
    assert found == [request.pk]  # its own 办结时限 still runs; its unit's 办理时限 has passed


# -- the raise form (issue 14) -----------------------------------------------------------------------------------


def _raise_data(world, **overrides):
    return {"enterprise": world.ent1.pk, "source": "visit", "category": "land", "urgency": "normal",
            "title": "二期用地", "description": "需新增用地。", "intake_key": "a" * 32, **overrides}


def test_the_enterprise_search_is_bounded_scoped_and_fixed_in_queries(client, world):
    from guanjia.tests_support.factories import EnterpriseFactory, make_uscc

    url = reverse("requests:enterprise-search")
    client.force_login(world.butler1)
    page = client.get(url, {"enterprise_search": "有限公司"}).content.decode()
    assert world.ent1.name in page and world.ent2.name not in page  # butler1 sees ent1 only
    assert world.foreign_enterprise.name not in page
    assert world.ent1.name in client.get(url, {"q": world.ent1.uscc[:10]}).content.decode()  # by credit code
    assert "data-pick-enterprise" not in client.get(url, {"q": " "}).content.decode()  # nothing for nothing
    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "有限公司"})
    for n in range(30):
        EnterpriseFactory(zone=world.zone, name=f"秦都配套{n:02d}有限公司", uscc=make_uscc(9000 + n),
                          workstation=world.ws1)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"q": "有限公司"}).content.decode()
    assert len(many) == len(few)
    assert page.count("data-pick-enterprise") == 20 and "只列出前 20 家" in page
    for who in (world.ent1_user, world.unit_user1, world.supervisor):  # no picker: 吹哨 or may not raise
        client.force_login(who)
        assert client.get(url, {"q": "有限公司"}).status_code == 403


def test_the_project_list_follows_the_enterprise_and_another_ones_project_is_refused(client, world):
    client.force_login(world.admin)
    url = reverse("requests:raise-projects")
    options = client.get(url, {"enterprise": world.ent1.pk}).content.decode()
    assert world.project1.name in options and world.project2.name not in options
    assert world.foreign_project.name not in client.get(url, {"enterprise": world.foreign_enterprise.pk}).content.decode()
    assert "请先选择企业" in client.get(url, {"enterprise": "x"}).content.decode()
    page = client.get(reverse("requests:create"), {"enterprise": world.ent1.pk}).content.decode()
    assert world.project1.name in page and world.project2.name not in page
    assert f'value="{world.ent1.name}"' in page  # ?enterprise= preselects, by name
    response = client.post(reverse("requests:create"), _raise_data(world, project=world.project2.pk))
    assert response.status_code == 200 and not Request.objects.exists()
    assert "project" in response.context["form"].errors
    with pytest.raises(ValidationError):  # the service refuses it too, whatever the page sends
        s.request_raise(actor=world.admin, enterprise=world.ent1, project=world.project2, source="visit",
                        category="land", title="x", description="y")


def test_the_category_has_no_silent_default(client, world):
    client.force_login(world.butler1)
    page = client.get(reverse("requests:create")).content.decode()
    assert '<option value="" selected>请选择</option>' in page
    response = client.post(reverse("requests:create"), _raise_data(world, category=""))
    assert response.status_code == 200 and "category" in response.context["form"].errors
    assert not Request.objects.exists()


def test_without_script_a_typed_full_name_or_code_is_the_enterprise(client, world):
    client.force_login(world.butler1)
    response = client.post(reverse("requests:create"),
                           _raise_data(world, enterprise="", enterprise_search=world.ent1.name))
    assert response.status_code == 302 and Request.objects.get().enterprise == world.ent1
    response = client.post(reverse("requests:create"),
                           _raise_data(world, enterprise="", enterprise_search="黄河", intake_key="b" * 32))
    assert response.status_code == 200 and "请从搜索结果中选择企业" in response.content.decode()
    response = client.post(reverse("requests:create"), _raise_data(  # another butler's: not a choice
        world, enterprise="", enterprise_search=world.ent2.name, intake_key="c" * 32))
    assert response.status_code == 200 and Request.objects.count() == 1


def test_files_of_a_refused_raise_are_kept_until_it_is_sent_or_they_are_removed(client, world, settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.butler1)
    pdf = SimpleUploadedFile("负荷计算.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    png = SimpleUploadedFile("照片.png", b"\x89PNG x", content_type="image/png")
    refused = client.post(reverse("requests:create"), _raise_data(world, title="", attachments=[pdf, png]))
    page = refused.content.decode()
    assert refused.status_code == 200 and "已选择" in page and "负荷计算.pdf" in page and "照片.png" in page
    kept = default_storage.listdir(f"pending/{world.butler1.pk}")[1]
    assert len(kept) == 2
    # Another person cannot send them with the same key: they are this person's session's.
    client2 = type(client)()
    client2.force_login(world.admin)
    client2.post(reverse("requests:create"), _raise_data(world, title="别人的"))
    assert not Request.objects.get(title="别人的").attachments.exists()
    # A wrong file is refused by name and not kept.
    exe = SimpleUploadedFile("病毒.exe", b"MZ", content_type="application/octet-stream")
    again = client.post(reverse("requests:create"), _raise_data(world, title="", attachments=[exe],
                                                                drop_kept=["1"]))
    page = again.content.decode()
    assert "病毒.exe" in page and "照片.png" not in page and "负荷计算.pdf" in page
    client.post(reverse("requests:create"), _raise_data(world))
    request = Request.objects.get(title="二期用地")
    assert [a.name for a in request.attachments.all()] == ["负荷计算.pdf"]
    assert request.attachments.get().file.read() == b"%PDF-1.4 x"
    assert default_storage.listdir(f"pending/{world.butler1.pk}")[1] == []  # sent: nothing left pending


def test_a_refused_raise_with_a_foreign_key_asks_for_the_files_again_by_name(client, world):
    client.force_login(world.butler1)
    pdf = SimpleUploadedFile("负荷计算.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    page = client.post(reverse("requests:create"), _raise_data(world, title="", intake_key="不是表单的",
                                                               attachments=[pdf])).content.decode()
    assert "请重新选择附件：负荷计算.pdf" in page


def test_a_request_page_s_ids_are_unique_and_its_labels_point_at_their_fields(client, world):
    import re
    from collections import Counter

    request = s.request_transfer(actor=world.butler1, request=s.request_accept(
        actor=world.butler1, request=raise_one(world)), lead_unit=world.unit1)
    for who in ("admin", "butler1", "leader"):
        client.force_login(getattr(world, who))
        page = client.get(request.get_absolute_url()).content.decode()
        ids = Counter(re.findall(r'\sid="([^"]+)"', page))
        assert [i for i, n in ids.items() if n > 1] == [], who
        assert any(re.fullmatch(r"id_[a-z_]+_comment", i) for i in ids), who  # each tab's own field ids
        missing = [f for f in re.findall(r'<label[^>]*\sfor="([^"]+)"', page) if f not in ids]
        assert missing == [], (who, missing)
