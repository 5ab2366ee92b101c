"""操作历史 reads like a person wrote it: labels, names, 是/否, the zone's time to the minute, no English."""

import re

from django.utils.html import strip_tags

from guanjia.core.audit import history_for
from guanjia.core.choices import Role
from guanjia.enterprises import services as enterprises
from guanjia.enterprises.models import Tag
from guanjia.meetings.tests.factories import at, make_meeting, raise_request
from guanjia.org import services as org
from guanjia.tests_support.factories import make_uscc

MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}")
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def history_text(client, url) -> str:
    page = client.get(url).content.decode()
    table = page[page.index('<table class="table table-sm align-middle history-changes"'):]
    return " ".join(strip_tags(table[:table.index("</table>")]).split())


def lines(rows) -> list[str]:
    return [f"{label}：{new}" if old is None else f"{label}：{old or '—'} → {new or '—'}"
            for row in rows for label, old, new in row.changes]


def assert_reads_like_a_person(text: str, *allowed: str) -> None:
    for word in allowed:
        text = text.replace(word, "")
    assert "None" not in text and "org." not in text and ".None" not in text
    assert not MICROSECONDS.search(text), text  # no seconds, let alone microseconds
    assert not ENGLISH.search(text), ENGLISH.findall(text)


def test_an_enterprise_history_names_its_butler_tags_and_times(client, world):
    world.butler1.name = "王管家"
    world.butler1.save()
    enterprise = enterprises.enterprise_create(actor=world.admin, zone=world.zone, name="秦都精密制造有限公司",
                                               uscc=make_uscc(808), workstation=world.ws1)
    enterprises.enterprise_assign_butler(actor=world.admin, enterprise=enterprise, butler=world.butler1, reason="新设")
    enterprises.enterprise_update(actor=world.admin, enterprise=enterprise, scale="above",
                                  tags=list(Tag.objects.order_by("pk")[:1]))
    enterprises.enterprise_archive(actor=world.admin, enterprise=enterprise)
    client.force_login(world.admin)
    text = history_text(client, enterprise.get_absolute_url())
    tag = Tag.objects.order_by("pk").first().name
    for line in ("新增", "修改", "企业管家：— → 王管家", "规模：规下 → 规上", f"标签：新增 {tag}",
                 "工作站：— → 第一工作站", "企业名称：— → 秦都精密制造有限公司"):
        assert line in text, line
    assert re.search(r"归档时间：— → \d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
    assert "ID：" not in text and "创建时间" not in text  # bookkeeping is no history
    assert_reads_like_a_person(text)


def test_a_persons_history_reads_roles_units_and_yes_no(world):
    person = org.person_create(actor=world.admin, zone=world.zone, username="zhao", name="赵经办",
                               roles=[Role.UNIT], unit=world.unit1)
    org.person_update(actor=world.admin, person=person, unit=world.unit2, is_active=False,
                      roles=[Role.UNIT, Role.SUPERVISOR])
    text = " ".join(lines(history_for(person)))
    for line in ("所属单位：供电公司 → 自然资源局", "有效：是 → 否", "所属单位：— → 供电公司", "角色：新增"):
        assert line in text, line
    assert "pbkdf2" not in text and "\n密码：" not in "\n" + "\n".join(lines(history_for(person)))  # never the password
    assert_reads_like_a_person(text, "zhao")


def test_a_meetings_history_names_its_requests_and_shows_the_zones_time(client, world):
    request = raise_request(world)
    meeting = make_meeting(world, requests=[request], starts_at=at(2026, 3, 2, 9, 30))
    client.force_login(world.butler1)
    text = history_text(client, meeting.get_absolute_url())
    for line in ("会议时间：— → 2026-03-02 09:30", f"议题诉求：新增 {request.number} {request.title}", "状态：— → 待召开",
                 f"召集人：— → {world.butler1.name}"):
        assert line in text, line
    assert_reads_like_a_person(text, request.number)


def test_an_enterprise_contact_reads_staff_other_than_its_butler_as_the_service_center(client, world):
    world.admin.name, world.butler1.name = "张主任", "王管家"
    world.admin.save()
    world.butler1.save()
    enterprises.enterprise_update(actor=world.admin, enterprise=world.ent1, scale="below")
    enterprises.enterprise_update(actor=world.butler1, enterprise=world.ent1, scale="above")
    client.force_login(world.ent1_user)
    text = history_text(client, world.ent1.get_absolute_url())
    assert "王管家" in text and "服务中心" in text
    assert "张主任" not in text
    client.force_login(world.admin)
    assert "张主任" in history_text(client, world.ent1.get_absolute_url())  # staff read every name


def test_an_enterprise_contact_reads_who_made_a_hand_over_as_the_service_center(client, world):
    world.admin.name = "张主任"
    world.admin.save()
    enterprises.enterprise_assign_butler(actor=world.admin, enterprise=world.ent1, butler=world.butler2,
                                         reason="调整分工")
    client.force_login(world.ent1_user)
    page = client.get(world.ent1.get_absolute_url()).content.decode()
    tab = page[page.index('id="assignments"'):]
    tab = strip_tags(tab[:tab.index("</table>")])
    assert "调整分工" in tab and "服务中心" in tab and "张主任" not in tab
    client.force_login(world.admin)
    assert "张主任" in client.get(world.ent1.get_absolute_url()).content.decode()


def test_an_amount_reads_the_same_whatever_its_scale():
    from decimal import Decimal

    from guanjia.core.audit import _amount

    assert [_amount(v) for v in ("58000.0000", Decimal("58000"), "56000.5", "56000.50", "0.0000", "1200")] == [
        "58000", "58000", "56000.5", "56000.5", "0", "1200"]
