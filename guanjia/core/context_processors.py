from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from guanjia.core.addresses import address
from guanjia.core.choices import Role

# (url name, label, icon, roles that see it; None = everyone signed in). Entries after MORE go
# into the "更多" menu so the bar fits on one line.
NAVIGATION = [
    ("home", _("我的工作台"), "house", None),
    ("enterprises:list", pgettext_lazy("plural", "企业"), "buildings", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR,
                                                   Role.ENTERPRISE}),
    ("projects:list", _("项目"), "kanban", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR, Role.ENTERPRISE}),
    ("approvals:handbooks", _("代办"), "journal-check", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR,
                                                          Role.ENTERPRISE}),
    ("promotion:board", _("挂图作战"), "bar-chart-steps", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR}),
    ("workflow:worklist", _("我的待办"), "inbox", None),
    ("requests:list", _("诉求"), "megaphone", None),
    ("reports:requests", _("统计"), "bar-chart", {Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.BUTLER,
                                                 Role.UNIT}),
    ("targets:stats", _("项目统计"), "graph-up-arrow", {Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.BUTLER}),
    ("meetings:list", pgettext_lazy("plural", "会议"), "calendar-event", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR,
                                                   Role.UNIT}),
    ("MORE", "", "", None),
    ("approvals:catalogue", _("审批事项清单"), "list-check", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR,
                                                          Role.UNIT}),
    ("approvals:report", _("代办情况"), "clipboard-data", {Role.ADMIN, Role.LEADER, Role.SUPERVISOR}),
    ("org:workstations", _("工作站"), "diagram-3", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR}),
    ("org:units", _("单位"), "bank", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR, Role.UNIT}),
    ("org:people", _("人员"), "people", {Role.ADMIN, Role.LEADER}),
    ("targets:list", _("年度目标"), "bullseye", {Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.BUTLER}),
    ("requests:rules", _("时限规则"), "stopwatch", {Role.ADMIN}),
    ("promotion:templates", _("促建表模板"), "list-check", {Role.ADMIN}),
    ("notifications:webhooks", _("群机器人"), "robot", {Role.ADMIN}),
    ("accounts:sign-in-log", _("登录日志"), "shield-lock", {Role.ADMIN}),
    ("calendar:calculator", _("工作日计算器"), "calendar3", None),
]


def _is_active(path: str, url: str) -> bool:
    """The menu entry of the page: its own address, or one under the same section."""
    return path == url or (url != "/" and path[:12] == url[:12])


def navigation(request):
    """The menu of the signed-in person's roles, its section marked: `nav_menu`, ready-made HTML."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user.role_codes
    shown = tuple((name, name != "MORE" and _is_active(request.path, address(name)))
                  for name, _label, _icon, allowed in NAVIGATION
                  if name == "MORE" or allowed is None or user.is_superuser or roles & allowed)
    return {"nav_menu": _menu(shown, get_language(), get_script_prefix(), get_urlconf())}


@lru_cache(maxsize=512)
def _menu(shown: tuple[tuple[str, bool], ...], language: str, prefix: str, urlconf) -> str:
    """The menu's markup, rendered once per set of entries, marked section and language.

    It depends on nothing else (no name, no token), and rendering its dozen links through
    template nodes cost every page about 0.2 ms.
    """
    entries = {name: (label, icon) for name, label, icon, _allowed in NAVIGATION}
    items, more, target = [], [], None
    for name, active in shown:
        if name == "MORE":
            target = more
            continue
        label, icon = entries[name]
        (items if target is None else target).append(
            {"url": address(name), "label": label, "icon": icon, "active": active})
    return render_to_string("_menu.html", {"nav_items": items, "nav_more": more})
