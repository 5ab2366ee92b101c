"""A year of demo requests (诉求) in every channel and state, replayed through the services.

Each request is driven through the real services at the moments it happened
(`core.clock.at`), so clocks, timelines and statistics are computed exactly as in
production: some are overdue, some suspended, some escalated, some returned (退单) and the
return dismissed, upheld or reassigned, some rated unsatisfied and reopened (重办). Deterministic for a seed
and a last day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from guanjia.core import calendar as workcal
from guanjia.core.choices import Role
from guanjia.core.clock import at
from guanjia.enterprises.models import Enterprise
from guanjia.org import services as org
from guanjia.org.models import Unit, User
from guanjia.requests import services as rs
from guanjia.requests.choices import Status

YEARLY = 480  # Dianjiang collected 150+ issues in half a year with 35 secretaries; Xianyang is larger

TITLES: dict[str, list[tuple[str, str]]] = {
    "factors": [("二期厂房用电增容", "二期生产线投产需将变压器容量增至2000kVA，申请尽快办理增容。"),
                ("天然气管道接入", "新建锅炉房需接入中压燃气管道，请协调燃气公司勘察接入。"),
                ("供水压力不足影响生产", "夏季用水高峰厂区供水压力不足，冷却系统无法正常运行。"),
                ("双回路供电申请", "关键工序不能停电，申请第二路电源。")],
    "land": [("二期项目用地指标", "二期项目需新增工业用地约50亩，请协调用地指标。"),
             ("不动产权证办理", "厂房已竣工验收，不动产权证办理进度缓慢。"),
             ("边角地块调整", "厂区北侧边角地块与规划道路冲突，申请调整。")],
    "planning": [("大门开口手续", "厂区毗邻省道，缺少大门开口手续无法开工。"),
                 ("厂房加层规划许可", "现有厂房拟加建一层，需办理规划许可。"),
                 ("桩基设计变更", "施工中发现独立桩基难以施工，需变更为旋挖桩并重新审查。")],
    "approval": [("环评批复加快", "项目环评报告已编制完成，申请加快评审和批复。"),
                 ("消防设计审查", "消防设计审查资料需补正，请明确补正要求。"),
                 ("施工许可证办理", "项目已具备开工条件，申请尽快核发施工许可证。"),
                 ("排污许可证变更", "新增生产线需变更排污许可。")],
    "financing": [("流动资金贷款对接", "原材料涨价，需要流动资金贷款约3000万元。"),
                  ("设备融资租赁", "拟引进进口设备，希望对接融资租赁机构。")],
    "talent": [("技术工人招聘", "新生产线需招聘熟练技工80名。"),
               ("人才公寓申请", "引进的研发人员住房困难，申请人才公寓。"),
               ("员工子女入学", "外地引进员工子女就近入学需要协调。")],
    "policy": [("高企认定奖补兑现", "去年通过高新技术企业认定，奖补资金尚未兑现。"),
               ("技改补贴申报", "技术改造项目已完成，咨询补贴申报流程。"),
               ("稳岗补贴发放", "稳岗补贴申报后一直未到账。")],
    "infrastructure": [("厂区门前道路破损", "门前道路破损严重，重载车辆通行困难。"),
                       ("雨污管网接驳", "厂区雨污管网尚未与市政管网接驳。"),
                       ("公交线路延伸", "员工通勤不便，希望公交线路延伸至园区。")],
    "legacy": [("历史欠款协调", "工程款历史欠款多年未结清，影响企业资金周转。"),
               ("遗留产权问题", "早年购置的厂房产权手续不全。")],
    "other": [("周边噪声投诉协调", "周边居民投诉夜间噪声，需协调处理。"),
              ("物流车辆通行证", "货车进城通行证办理困难。")],
}
CATEGORY_WEIGHTS = {"factors": 16, "land": 10, "planning": 11, "approval": 18, "financing": 8, "talent": 9,
                    "policy": 12, "infrastructure": 9, "legacy": 3, "other": 4}
SOURCE_WEIGHTS = {"visit": 34, "phone": 14, "portal": 26, "letter": 5, "meeting": 11, "supervision": 10}
# Which unit leads for a category (names as the demo zone has them; the first unit found is used).
LEAD_UNITS = {
    "factors": ["供电", "水务", "燃气"], "land": ["自然资源"], "planning": ["自然资源", "住建"],
    "approval": ["行政审批", "生态环境", "住建"], "financing": ["发改", "财政", "金融"],
    "talent": ["人社", "教育"], "policy": ["发改", "科技", "财政", "税务"],
    "infrastructure": ["住建", "交通", "水务"], "legacy": ["发改", "财政"], "other": ["应急", "市场监管"],
}


class _Replay:
    def __init__(self, zone, *, seed: int, last_day: dt.date, count: int):
        self.zone, self.rng, self.last_day, self.count = zone, random.Random(seed), last_day, count
        self.calendar = workcal.WorkingCalendar.load()
        self.admin = User.objects.with_role(Role.ADMIN).filter(zone=zone).order_by("pk").first()
        self.leader = User.objects.with_role(Role.LEADER).filter(zone=zone).order_by("pk").first()
        self.enterprises = list(Enterprise.objects.filter(zone=zone, butler__isnull=False).order_by("pk"))
        self.handlers = {}
        for person in User.objects.with_role(Role.UNIT).filter(zone=zone).select_related("unit").order_by("pk"):
            self.handlers.setdefault(person.unit_id, person)
        self.units = [u for u in Unit.objects.filter(zone=zone).order_by("pk") if u.pk in self.handlers]
        self.contacts = {p.enterprise_id: p for p in User.objects.with_role(Role.ENTERPRISE).filter(zone=zone)}
        self.now = timezone.make_aware(dt.datetime.combine(last_day, dt.time(18, 0)))

    # Time ---------------------------------------------------------------------------------------------
    def working_moment(self, day: dt.date, *, earliest: dt.time = dt.time(8, 30)) -> dt.datetime:
        while not self.calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        minutes = self.rng.randint(earliest.hour * 60 + earliest.minute, 17 * 60 + 30)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))

    def later(self, moment: dt.datetime, low: int, high: int) -> dt.datetime:
        """A working moment `low`..`high` working days after `moment` (0 = later the same day if possible)."""
        days = self.rng.randint(low, high)
        if days == 0:
            bump = moment + dt.timedelta(minutes=self.rng.randint(20, 240))
            if bump.time() < dt.time(18, 0):
                return bump
            days = 1
        due = self.calendar.add_working_days(timezone.localtime(moment).date(), days).due
        return self.working_moment(due)

    # People -------------------------------------------------------------------------------------------
    def contact_for(self, enterprise) -> User:
        """The enterprise's portal account (made once, with no password: a demo user may set one)."""
        person = self.contacts.get(enterprise.pk)
        if person is None:
            person = org.person_create(actor=None, zone=self.zone, username=f"ent-{enterprise.uscc.lower()}",
                                       name=f"{enterprise.name[:8]}联系人", roles=[Role.ENTERPRISE],
                                       enterprise=enterprise)
            self.contacts[enterprise.pk] = person
        return person

    def settle_in_meeting(self, request, lead):
        """A 会办会 on the request: units attend, a decision becomes an action item, the meeting settles it."""
        from guanjia.core.clock import now
        from guanjia.meetings import services as ms

        units = list({lead, *(t.unit for t in request.unit_tasks.select_related("unit"))})
        meeting = ms.meeting_create(actor=self.admin, title=f"{request.title}会办会", starts_at=now(),
                                    place="高新区企业服务中心三楼会议室", units=units, requests=[request])
        ms.meeting_hold(actor=self.admin, meeting=meeting,
                        minutes=f"会议研究了{request.enterprise.name}反映的“{request.title}”问题，明确由{lead.name}牵头限期办理。")
        item = ms.action_item_add(actor=self.admin, meeting=meeting, text=f"{lead.name}牵头落实会议议定事项",
                                  owner_unit=lead, days=10, request=request)
        # Settled with its decision still open (confirmed): the decision goes on being followed (督办).
        resolved = ms.meeting_settle_request(actor=self.admin, meeting=meeting, request=request,
                                             answer="经会办会研究，已明确解决方案并落实。", confirm=True)
        if self.rng.random() < 0.7:
            ms.action_item_complete(actor=self.admin, item=item, result="已按会议要求落实。")
        ms.meeting_close(actor=self.admin, meeting=meeting)
        return resolved

    def lead_unit(self, category: str):
        for word in LEAD_UNITS.get(category, []):
            for unit in self.units:
                if word in unit.name:
                    return unit
        return self.rng.choice(self.units)

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # The year -----------------------------------------------------------------------------------------
    def run(self) -> int:
        if not (self.enterprises and self.units and self.admin):
            return 0
        first = self.last_day - dt.timedelta(days=364)
        anchors = [e for e in self.enterprises if e.pk in self.contacts]  # ent1 / ent2 get some for sure
        made = 0
        for n in range(self.count):
            day = first + dt.timedelta(days=int(365 * n / self.count))
            enterprise = anchors[n % len(anchors)] if anchors and n % 12 == 0 else self.rng.choice(self.enterprises)
            made += self.one(enterprise, self.working_moment(day))
        return made + self.leaders_hand(anchors)

    # The leader's hand ---------------------------------------------------------------------------------
    def working_days_back(self, n: int) -> list[dt.date]:
        """The last `n` working days up to `last_day`, oldest first."""
        days, day = [], self.last_day
        while len(days) < n:
            if self.calendar.is_working_day(day):
                days.append(day)
            day -= dt.timedelta(days=1)
        return days[::-1]

    def leaders_hand(self, anchors: list) -> int:
        """For the demo logins, without drawing on the year's random numbers (the year stays as it was): a
        直通车 letter to `leader` about ent1's enterprise, transferred to the power company (unit1), escalated and
        given the leader's 批示, which sends it back to the unit with the instruction on top; and a request of
        ent2's enterprise escalated to the leaders and settled (办结) by `leader`."""
        if len(anchors) < 2 or self.leader is None:
            return 0
        first, second, third = self.working_days_back(3)

        def moment(day, hour, minute=0):
            return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

        letter_for, settled_for = anchors[0], anchors[1]
        unit = self.lead_unit("factors")
        with at(moment(first, 9)):
            letter = rs.request_raise(
                actor=self.leader, enterprise=letter_for, source="letter", category="factors", urgency="urgent",
                title="新厂区双回路供电迟迟未落实", addressed_leader=self.leader,
                description="企业致信园区领导：新厂区关键工序不能停电，双回路供电申请已逾两月未落实，影响投产。")
        with at(moment(first, 9, 40)):
            letter = rs.request_accept(actor=letter_for.butler, request=letter, comment="已签收，当日对接企业。")
        with at(moment(first, 10, 30)):
            letter = rs.request_transfer(actor=letter_for.butler, request=letter, lead_unit=unit,
                                         comment=f"请{unit.name}牵头办理第二路电源接入。")
        with at(moment(first, 15)):
            letter = rs.request_unit_sign(actor=self.handlers[unit.pk], request=letter)
        with at(moment(second, 10)):
            letter = rs.request_escalate(actor=letter_for.butler, request=letter, target="leader",
                                         comment="涉及上级电网线路改造，提请领导协调。")
        with at(moment(third, 9, 30)):
            rs.request_instruct(actor=self.leader, request=letter,
                                comment=f"请{unit.name}本周内拿出双回路接入方案并报送进度，管家每日跟进，确保企业按期投产。")
        with at(moment(first, 11)):
            other = rs.request_raise(actor=settled_for.butler, enterprise=settled_for, source="visit",
                                     category="land", title="厂区北侧边角地块调整",
                                     description="厂区北侧边角地块与规划道路冲突，企业申请调整。")
        with at(moment(first, 14)):
            other = rs.request_accept(actor=settled_for.butler, request=other)
        with at(moment(second, 11)):
            other = rs.request_escalate(actor=settled_for.butler, request=other, target="leader",
                                        comment="涉及规划调整，需领导决策。")
        with at(moment(third, 16)):
            rs.request_resolve(actor=self.leader, request=other,
                               answer="经园区领导现场协调，规划部门同意按企业方案调整边角地块，调整手续本月内办结。")
        return 2

    def one(self, enterprise, raised_at: dt.datetime) -> int:
        if raised_at > self.now:
            return 0
        rng = self.rng
        category = self.pick(CATEGORY_WEIGHTS)
        source = self.pick(SOURCE_WEIGHTS)
        title, description = rng.choice(TITLES[category])
        urgency = rng.choices(["normal", "urgent", "critical"], weights=[80, 15, 5])[0]
        butler = enterprise.butler
        raiser = self.contact_for(enterprise) if source == "portal" else butler
        with at(raised_at):
            request = rs.request_raise(
                actor=raiser, enterprise=enterprise, source=source, category=category, urgency=urgency,
                title=title, description=description,
                addressed_leader=self.leader if source == "letter" else None,
            )
        steps: list[tuple[dt.datetime, Callable]] = []
        moment = self.later(raised_at, 0, 1)

        def step(when, action):
            steps.append((when, action))
            return when

        moment = step(moment, lambda r: rs.request_accept(actor=butler, request=r, comment="已签收，马上对接企业。"))
        simple = rng.random() < 0.35
        if simple:
            moment = self.later(moment, 0, 2)
            step(moment, lambda r: rs.request_reply(actor=butler, request=r, resolve=True,
                                                    answer="经与企业沟通，已现场协调解决。"))
        else:
            lead = self.lead_unit(category)
            co = [u for u in rng.sample(self.units, k=min(2, len(self.units))) if u != lead][:1] \
                if rng.random() < 0.4 else []
            moment = step(self.later(moment, 0, 2), lambda r, lead=lead, co=co: rs.request_transfer(
                actor=butler, request=r, lead_unit=lead, co_units=co, comment=f"请{lead.name}牵头办理。"))
            if rng.random() < 0.08:  # 退单 and the center's arbitration
                other = self.rng.choice([u for u in self.units if u != lead] or [lead])
                moment = step(self.later(moment, 0, 2), lambda r, lead=lead: rs.request_return(
                    actor=self.handlers[lead.pk], request=r, reason="该事项不属于本单位职责范围。"))
                lead, moment = self.arbitrate(step, moment, lead, other, butler)
            stuck = rng.random() < 0.07  # never answered: these become the red cards
            moment = step(self.later(moment, 0, 2), lambda r, lead=lead: rs.request_unit_sign(
                actor=self.handlers[lead.pk], request=r))
            if rng.random() < 0.1:
                moment = step(self.later(moment, 1, 3), lambda r: rs.request_suspend(
                    actor=butler, request=r, reason="awaiting_material", comment="请企业补充相关材料。"))
                moment = step(self.later(moment, 3, 12), lambda r: rs.request_resume(actor=butler, request=r))
            if rng.random() < 0.05:
                moment = step(self.later(moment, 1, 3), lambda r: rs.request_extend(
                    actor=self.leader, request=r, days=5, reason="涉及上级部门审批，申请延期。"))
            settled_by_meeting = escalated = False
            if rng.random() < 0.08:
                escalated = True
                target = rng.choice(["leader", "meeting", "meeting", "station_head"])
                moment = step(self.later(moment, 1, 4), lambda r, target=target: rs.request_escalate(
                    actor=butler, request=r, target=target, comment="协调难度大，提请上级研究。"))
                if target == "meeting" and not stuck:
                    moment = step(self.later(moment, 2, 6), lambda r, lead=lead: self.settle_in_meeting(r, lead))
                    settled_by_meeting = True
            if stuck:
                # Left hanging: some still with the unit (红牌), some escalated, some waiting for material.
                fate = rng.random()
                if fate < 0.3 and not escalated:
                    step(self.later(moment, 1, 3), lambda r: rs.request_escalate(
                        actor=butler, request=r, target="leader", comment="部门迟迟未办理，提请领导协调。"))
                elif fate < 0.7:
                    step(self.later(moment, 1, 3), lambda r: rs.request_suspend(
                        actor=butler, request=r, reason="awaiting_material", comment="等待企业补充材料。"))
                steps.append((self.now + dt.timedelta(days=9999), None))
            elif not settled_by_meeting:
                moment = step(self.later(moment, 2, 14), lambda r, lead=lead: rs.request_unit_feedback(
                    actor=self.handlers[lead.pk], request=r, comment="已按要求办理完毕，详见答复。")
                    if r.status == Status.IN_UNITS else r)
                moment = step(self.later(moment, 0, 3), lambda r: rs.request_resolve(
                    actor=butler, request=r, answer="经协调，相关部门已办理完毕。"))
        contact = self.contact_for(enterprise)
        if rng.random() < 0.8:
            rating = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], weights=[80, 14, 6])[0]
            moment = step(self.later(moment, 1, 5), lambda r, rating=rating: rs.request_rate(
                actor=contact, request=r, rating=rating,
                reason="问题仍未彻底解决。" if rating == "unsatisfied" else ""))
            if rating == "unsatisfied":
                moment = step(self.later(moment, 2, 8), lambda r: rs.request_resolve(
                    actor=butler, request=r, answer="重办：已再次协调，问题彻底解决。"))
                step(self.later(moment, 1, 3), lambda r: rs.request_rate(actor=contact, request=r,
                                                                         rating="satisfied"))
        for when, action in steps:
            if action is None or when > self.now:
                break
            with at(when):
                request = action(request)
        return 1


    def arbitrate(self, step, moment: dt.datetime, lead: Unit, other: Unit, butler) -> tuple[Unit, dt.datetime]:
        """The center's decision on the lead unit's 退单, in turn: 驳回 (the unit goes on with the center's
        instruction), 同意 (the unit is released; the butler transfers the request to another lead unit), or
        仲裁改派. Taken in turn rather than drawn, so that the demo always shows each and the random draws of
        the rest of the year stay as they were. Returns the lead unit after it, and when it was decided."""
        self.returns = getattr(self, "returns", 0) + 1
        moment = self.later(moment, 1, 2)
        if self.returns % 3 == 1:
            step(moment, lambda r: rs.request_dismiss_return(
                actor=self.admin, request=r, comment="经中心研判，该事项属本单位职责，请按原时限继续办理。"))
            return lead, moment
        if self.returns % 3 == 2:
            step(moment, lambda r: rs.request_uphold_return(
                actor=self.admin, request=r, comment="同意退单，请管家改由相关单位牵头。"))
            moment = moment + dt.timedelta(minutes=30)
            step(moment, lambda r, other=other: rs.request_transfer(
                actor=butler, request=r, lead_unit=other, comment=f"请{other.name}牵头办理。"))
            return other, moment
        step(moment, lambda r, other=other: rs.request_reassign(
            actor=self.admin, request=r, lead_unit=other, comment="经中心研判，改由该单位牵头。"))
        return other, moment


def load_demo_requests(zone, *, seed: int, last_day: dt.date | None = None, count: int = YEARLY) -> int:
    """Replay `count` requests over the year up to `last_day` (default: yesterday); returns how many."""
    last_day = last_day or (timezone.localdate() - dt.timedelta(days=1))
    return _Replay(zone, seed=seed, last_day=last_day, count=count).run()
