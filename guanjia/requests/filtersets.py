"""The one FilterSet of requests, shared by the list page, the API and the export."""

import django_filters
from django import forms
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.filtersets import BooleanFilter, FilterSet, IdFilter, PersonFilter, person_name_filter
from guanjia.enterprises.models import Enterprise
from guanjia.requests.choices import OPEN_STATUSES, Category, Source, Status, UnitTaskStatus, Urgency
from guanjia.requests.disclosure import ENTERPRISE_STATUS, shown_status
from guanjia.requests.models import Request, UnitTask
from guanjia.requests.workflow import UNIT_TASK
from guanjia.search.indexes import ENTERPRISE_NAME, REQUEST_TEXT, holds_word, shares_holding
from guanjia.workflow.choices import CLOCK_LIGHT_CHOICES, CLOCK_LIGHTS
from guanjia.workflow.models import TrackedItem, item_state_q


class _OneOfSelect(forms.Select):
    """The page's select for a filter that takes several values (`?status=a&status=b`, from a link): one at a
    time, 全部 first, which sends it blank. Blank is no filter on the page; in the API it stays a 400, as its
    schema says (`status` allows no empty value)."""

    def value_from_datadict(self, data, files, name):
        return [value for value in (data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]) if value]


class _ShownStatusOrdering(django_filters.OrderingFilter):
    """Sorts on the status as the reader reads it: an enterprise's contact reads 退单待仲裁 as 已转办, and a sort
    on the stored status would set its returned requests apart from the 已转办 they read as."""

    def filter(self, qs, value):
        from guanjia.requests.selectors import enterprise_only

        user = getattr(getattr(self.parent, "request", None), "user", None)
        if value in (None, "", []) or user is None or not enterprise_only(user):
            return super().filter(qs, value)
        shown = Case(*[When(status=stored, then=Value(str(seen))) for stored, seen in ENTERPRISE_STATUS.items()],
                     default=F("status"))
        ordering = []
        for param in value:
            if not param:
                continue
            field = self.get_ordering_value(param)
            if field.lstrip("-") == "status":
                ordering.append(shown.desc() if field.startswith("-") else shown.asc())
            else:
                ordering.append(field)
        return qs.order_by(*ordering)


# A searched word the statistics say is in more than this share of the requests (by their number and title, or their
# enterprise's name) is looked for by reading every request, not through the grams indexes (PostgreSQL only: on
# SQLite the index stays faster). At a million requests the two ways cross at 3-4 %.
COMMON_WORD_SHARE = 0.05

# Up to this many butlers, 全部诉求 offers them in a select; beyond, a search by name (管家姓名).
BUTLER_SELECT_MAX = 200


def butlers_by_name(user):
    """The active butlers the person may see, by name (read in order through the `user_zone_name` index)."""
    from guanjia.org.models import User

    return (User.objects.visible_to(user).with_role(Role.BUTLER).filter(is_active=True).order_by("name", "pk")
            .values_list("pk", "name", "username"))


class RequestFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices, method="filter_status")
    open = BooleanFilter(label=_("未办结"), method="filter_open")
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Source.choices)
    # The statistics' word for the same field (渠道): `?channel=portal` is `?source=portal`.
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=Source.choices, field_name="source")
    urgency = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Urgency.choices)
    clock = django_filters.ChoiceFilter(label=_("时限亮灯"), choices=CLOCK_LIGHT_CHOICES, method="filter_clock")
    unit = IdFilter(label=_("承办单位"), method="filter_unit", widget=forms.Select)
    workstation = IdFilter(label=_("工作站"), method="filter_workstation", widget=forms.Select)
    butler = PersonFilter(label=_("责任管家"), field_name="butler", widget=forms.Select)
    butler_name = person_name_filter("butler", _("管家姓名"))
    enterprise = IdFilter(label=_("企业"), field_name="enterprise")
    project = IdFilter(label=_("项目"), field_name="project")
    lead_unit = IdFilter(label=_("牵头单位"), field_name="lead_unit")
    overdue = BooleanFilter(label=_("超期"), method="filter_overdue")
    created_from = django_filters.DateFilter(label=_("提出日期起"), field_name="created_at", lookup_expr="date__gte",
                                             widget=forms.DateInput(attrs={"type": "date"}))
    created_to = django_filters.DateFilter(label=_("提出日期止"), field_name="created_at", lookup_expr="date__lte",
                                           widget=forms.DateInput(attrs={"type": "date"}))
    ordering = _ShownStatusOrdering(
        label=_("排序"),
        fields=(("created_at", "created_at"), ("due_at", "due_at"), ("number", "number"), ("status", "status")),
        field_labels={"created_at": _("提出时间"), "due_at": _("办结时限"), "number": _("编号"),
                      "status": _("状态")},
    )

    class Meta:
        model = Request
        fields = ["q", "status", "open", "category", "source", "channel", "urgency", "clock", "unit", "workstation",
                  "butler", "butler_name", "enterprise", "project", "lead_unit", "overdue"]

    # Kept in the page's links but not shown as inputs (`for_page` swaps the butler's select for a name search in
    # a zone of more than BUTLER_SELECT_MAX butlers).
    hidden_in_page = ("butler_name", "channel", "enterprise", "project", "lead_unit")
    # Shown on the page under 更多筛选 (folded on a phone).
    more_in_page = ("source", "urgency", "unit", "workstation", "butler", "overdue", "created_from", "created_to")
    # Who serves whom, by name: not for an enterprise's contacts, who see their own requests only.
    staff_only_in_page = ("unit", "workstation", "butler")

    @property
    def more_given(self) -> bool:
        """Whether a filter under 更多筛选 is set: the page shows them unfolded then."""
        return any(self.data.get(name) for name in self.more_in_page if name not in self.hidden_in_page)

    def for_page(self, user) -> None:
        """The page's inputs, before the filters are read (the API and the export read ids and need no names):
        its selects offer what the viewer may see of their own zone, never another zone's names, and none of
        who serves whom to an enterprise's contact."""
        from guanjia.org.models import Unit, User, Workstation
        from guanjia.requests.selectors import enterprise_only

        fields = self.form.fields
        fields["status"].widget = _OneOfSelect(choices=[("", _("全部")), *(
            (value, label) for value, label in Status.choices
            if not (enterprise_only(user) and value in ENTERPRISE_STATUS))])
        if enterprise_only(user):
            self.hidden_in_page = (*self.hidden_in_page, *self.staff_only_in_page)
            for name in self.staff_only_in_page:
                fields[name].widget.choices = []
            return
        fields["unit"].widget.choices = [("", _("全部")), *Unit.objects.visible_to(user).filter(
            archived_at__isnull=True).order_by("name").values_list("pk", "name")]
        fields["workstation"].widget.choices = [("", _("全部")), *Workstation.objects.visible_to(user).filter(
            archived_at__isnull=True).order_by("name").values_list("pk", "name")]
        butlers = list(butlers_by_name(user)[:BUTLER_SELECT_MAX + 1])
        if len(butlers) > BUTLER_SELECT_MAX:  # a zone of many butlers: found by name, not picked from a long list
            self.hidden_in_page = (*(name for name in self.hidden_in_page if name != "butler_name"), "butler")
            self.more_in_page = (*self.more_in_page, "butler_name")
            return
        fields["butler"].widget.choices = [("", _("全部")), *(
            (pk, User.label(name, username)) for pk, name, username in butlers)]

    def filter_status(self, queryset, name, value):
        """The statuses asked for, as the reader reads them: an enterprise's contact reads 退单待仲裁 as 已转办
        (disclosure.py), so 已转办 finds both for it and 退单待仲裁 finds nothing (it must not learn of a return)."""
        if not value:
            return queryset
        user = getattr(getattr(self, "request", None), "user", None)
        wanted = set(value)
        if user is not None:
            wanted = {status for status in Status.values if shown_status(status, user) in wanted}
        return queryset.filter(status__in=wanted)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The enterprises by name as a list of ids, not across a join: SQLite read each request's
        # enterprise to test its name (360 ms for a count at 200 000 requests; 70 ms this way).
        # Each through its grams index (guanjia/search): the requests whose number or title holds the word, and
        # those of the enterprises whose name does, as one set of ids.
        using = queryset.db
        named = Enterprise.objects.using(using).filter(
            holds_word(ENTERPRISE_NAME, value, using=using), name__contains=value).values("pk")
        holding = Q(number__icontains=value) | Q(title__contains=value)
        shares = shares_holding((REQUEST_TEXT, ENTERPRISE_NAME), value, using=using)
        if shares[REQUEST_TEXT.name] + shares[ENTERPRISE_NAME.name] > COMMON_WORD_SHARE:
            # A word in more than a twentieth of the requests (科, 许可): PostgreSQL reads every request sooner than it
            # unites two sets of ids that large (at 1 000 000 requests: 420-510 ms, against 730-880 ms).
            return queryset.filter(holding | Q(enterprise__in=named))
        texts = Request.objects.using(using).filter(holds_word(REQUEST_TEXT, value, using=using), holding)
        of_named = Request.objects.using(using).filter(enterprise__in=named)
        return queryset.filter(pk__in=texts.order_by().values("pk").union(of_named.order_by().values("pk")))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        # A deadline of its own has passed (its tracked item's soonest), or a unit still on it is past its
        # 办理时限 (the unit's task is an item of its own, under the request's).
        now = timezone.now()
        units_late = TrackedItem.objects.filter(kind=UNIT_TASK.kind, is_open=True, due_at__lt=now).values("parent")
        late = Q(item__due_at__lt=now) | Q(item__in=units_late)
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_clock(self, queryset, name, value):
        """The light the list's 最近时限 badge shows: the request's own soonest running deadline, as
        `workflow.models.item_state` reads it (yellow from its `warn_at`, counted in working time)."""
        if not value:
            return queryset
        return queryset.filter(item_state_q(CLOCK_LIGHTS[value], now=timezone.now(), prefix="item__"))

    def filter_unit(self, queryset, name, value: int):
        """Requests transferred to the unit, as lead or co-unit: what its handlers see (`Request.scope_for_role`),
        a task withdrawn before the unit signed for it left out."""
        if value is None:
            return queryset
        tasks = UnitTask.objects.filter(unit=value).exclude(status=UnitTaskStatus.CANCELLED, signed_at__isnull=True)
        return queryset.filter(pk__in=tasks.values("request"))

    def filter_workstation(self, queryset, name, value: int):
        """The enterprise's workstation, as the statistics break requests down by it."""
        if value is None:
            return queryset
        return queryset.filter(enterprise__in=Enterprise.objects.filter(workstation=value).values("pk"))
