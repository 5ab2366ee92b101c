"""Who may read the projects statistics (项目统计): the staff who follow projects — admins, leaders, supervisors
and butlers. The figures are always computed over `Project.objects.visible_to(user)`, so a butler's are those
of the projects they serve. Enterprise contacts and unit handlers get 403."""

from guanjia.core.choices import Role
from guanjia.core.predicates import has_role, is_superuser

STATS_ROLES = (Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.BUTLER)

may_view_project_stats = has_role(*STATS_ROLES) | is_superuser
