"""Who may set targets, plan a project's year and report its monthly investment (django-rules); who may *see*
them is `visible_to`.

Checked without a project (`user.has_perm(perm)`), the object predicates let it pass: the answer is then "may
this person's roles ever do it", which the API asks before reading a body (403).
"""

import rules

from guanjia.core.choices import Role
from guanjia.core.predicates import has_role, is_admin, is_butler

is_enterprise = has_role(Role.ENTERPRISE)


@rules.predicate
def is_project_butler(user, project) -> bool:
    return project is None or project.butler_id == user.pk


@rules.predicate
def is_project_contact(user, project) -> bool:
    """A contact of the project's own enterprise: it supplies the monthly investment (企业填报)."""
    return project is None or (bool(user.enterprise_id) and project.enterprise_id == user.enterprise_id)


# Annual targets are the service center's (admins); anyone on the staff may read them.
rules.add_perm("targets.manage_target", is_admin)
# A project's year plan: the service center or the project's butler.
rules.add_perm("targets.plan_investment", is_admin | (is_butler & is_project_butler))
# The month's completed investment: the project's butler or its enterprise; the center may correct it.
rules.add_perm("targets.report_investment",
               is_admin | (is_butler & is_project_butler) | (is_enterprise & is_project_contact))
