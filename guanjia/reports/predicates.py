"""Who may read request statistics (诉求统计).

Zone-wide roles see the zone; a butler sees the figures of their portfolio and
workstation, and a unit handler those of the requests transferred to their unit:
the figures are always computed over `Request.objects.visible_to(user)`, so the
scope needs no second definition here. Enterprise contacts have no statistics page
(their own requests are on the portal); they get 403.
"""

from guanjia.core.choices import Role
from guanjia.core.predicates import has_role, is_superuser

STATS_ROLES = (Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.BUTLER, Role.UNIT)

may_view_request_stats = has_role(*STATS_ROLES) | is_superuser
