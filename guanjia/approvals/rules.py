"""Who may do what with handbooks and their items (django-rules); who may *see* them is `visible_to`.

Checked without an object (`user.has_perm(perm)`), the object predicates let it pass: the answer is
then "may this person's roles ever take this action", which the API asks before reading a body (403).
The object is a Handbook, or (before it has one) the Project it is for.
"""

import rules

from guanjia.core.choices import Role
from guanjia.core.predicates import has_role, is_admin, is_zone_staff

is_enterprise = has_role(Role.ENTERPRISE)


def _project_and_agent(obj):
    """(project, agent id) of a Handbook, an Approval (its handbook's) or a Project."""
    if hasattr(obj, "handbook_id") and hasattr(obj, "catalogue_item_id"):  # an Approval
        return obj.project, obj.handbook.agent_id
    if hasattr(obj, "start_on"):  # a Handbook
        return obj.project, obj.agent_id
    return obj, None


@rules.predicate
def serves_handbook(user, obj) -> bool:
    """The project's butler, or the handbook's proxy agent (代办员)."""
    if obj is None:
        return True
    project, agent_id = _project_and_agent(obj)
    return user.pk in (project.butler_id, agent_id)


@rules.predicate
def of_own_project(user, obj) -> bool:
    """The project is the person's own enterprise's (its contacts supply the authorization 委托书)."""
    if obj is None:
        return True
    project, _agent = _project_and_agent(obj)
    return bool(user.enterprise_id and project.enterprise_id == user.enterprise_id)


plans = is_admin | (is_zone_staff & serves_handbook)
rules.add_perm("approvals.plan_handbook", plans)
rules.add_perm("approvals.authorize_handbook", plans | (is_enterprise & of_own_project))
