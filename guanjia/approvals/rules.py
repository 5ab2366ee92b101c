"""Who may do what in 代办 (django-rules). Seeing is `visible_to` (models.py); these say who may act.

The catalogue (审批事项清单) is the zone's published list: everyone signed in reads it (its
`visible_to`), the service center's admins write it.

A handbook item's moves (choices.APPROVAL_MOVES) are `approvals.handle_approval`: the service
center, the item's proxy agent (代办员), the project's butler, and the handlers of the item's
authority unit. What an enterprise supplies itself (a 容缺 gap made good, 补正 material) is
`approvals.supply_approval`: those people and the project's enterprise contacts. Checked without an
item, the object predicates let it pass ("may this person's roles ever do it", asked by the API
before it reads a body); a move the item's status does not allow is a 409, decided by the table.

Handbooks (`approvals.plan_handbook`, `approvals.authorize_handbook`): checked without an object, the object
predicates let it pass; the object is a Handbook, or (before it has one) the Project it is for.
"""

import rules

from guanjia.core.choices import Role
from guanjia.core.predicates import has_role, is_admin, is_butler, is_leader, is_superuser, is_zone_staff

is_unit = has_role(Role.UNIT)
is_enterprise = has_role(Role.ENTERPRISE)
is_supervisor = has_role(Role.SUPERVISOR)


@rules.predicate
def is_its_agent(user, approval) -> bool:
    return approval is None or approval.agent_id == user.pk


@rules.predicate
def serves_its_project(user, approval) -> bool:
    return approval is None or approval.project.butler_id == user.pk


@rules.predicate
def of_its_authority(user, approval) -> bool:
    """A handler of the unit that decides the item (the unit of another authority is not)."""
    return approval is None or bool(user.unit_id and user.unit_id == approval.unit_id)


@rules.predicate
def of_its_enterprise(user, approval) -> bool:
    return approval is None or bool(user.enterprise_id and user.enterprise_id == approval.project.enterprise_id)


handles_approval = (is_admin | (is_zone_staff & is_its_agent) | (is_butler & serves_its_project)
                    | (is_unit & of_its_authority))
rules.add_perm("approvals.handle_approval", handles_approval)
rules.add_perm("approvals.supply_approval", handles_approval | (is_enterprise & of_its_enterprise))
# The half-yearly 代办 report (代办情况 半年公布): the center, the leaders and supervision.
rules.add_perm("approvals.view_approval_report", is_superuser | is_admin | is_leader | is_supervisor)

rules.add_perm("approvals.view_approvalitem", rules.is_authenticated)
rules.add_perm("approvals.add_approvalitem", is_admin)
rules.add_perm("approvals.change_approvalitem", is_admin)
rules.add_perm("approvals.archive_approvalitem", is_admin)
rules.add_perm("approvals.import_approvalitem", is_admin)


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
