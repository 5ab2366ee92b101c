from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanjia.core.addresses import address
from guanjia.core.choices import Role

# (url name, label, icon, roles that see it; None = everyone signed in). Entries after MORE go
# into the "更多" menu so the bar fits on one line.
NAVIGATION = [
    ("home", _("我的工作台"), "house", None),
    ("enterprises:list", pgettext_lazy("plural", "企业"), "buildings", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR,
                                                   Role.ENTERPRISE}),
    ("projects:list", _("项目"), "kanban", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR, Role.ENTERPRISE}),
    ("requests:worklist", _("我的待办"), "inbox", None),
    ("requests:list", _("诉求"), "megaphone", None),
    ("reports:requests", _("统计"), "bar-chart", {Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.BUTLER,
                                                 Role.UNIT}),
    ("meetings:list", _("会议"), "calendar-event", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR,
                                                   Role.UNIT}),
    ("MORE", "", "", None),
    ("org:workstations", _("工作站"), "diagram-3", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR}),
    ("org:units", _("单位"), "bank", {Role.ADMIN, Role.LEADER, Role.BUTLER, Role.SUPERVISOR, Role.UNIT}),
    ("org:people", _("人员"), "people", {Role.ADMIN, Role.LEADER}),
    ("requests:rules", _("时限规则"), "stopwatch", {Role.ADMIN}),
    ("notifications:webhooks", _("群机器人"), "robot", {Role.ADMIN}),
    ("calendar:calculator", _("工作日计算器"), "calendar3", None),
]


def _is_active(path: str, url: str) -> bool:
    """The menu entry of the page: its own address, or one under the same section."""
    return path == url or (url != "/" and path[:12] == url[:12])


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user.role_codes
    items, more, target = [], [], None
    for name, label, icon, allowed in NAVIGATION:
        if name == "MORE":
            target = more
            continue
        if allowed is None or user.is_superuser or roles & allowed:
            url = address(name)
            (items if target is None else target).append(
                {"url": url, "label": label, "icon": icon, "active": _is_active(request.path, url)})
    return {"nav_items": items, "nav_more": more}
