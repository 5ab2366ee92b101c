"""Who may do what in 代办 (django-rules). Seeing is `visible_to` (models.py); these say who may act.

The catalogue (审批事项清单) is the zone's published list: everyone signed in reads it (its
`visible_to`), the service center's admins write it.

A handbook item's moves (choices.APPROVAL_MOVES) are `approvals.handle_approval`: the service
center, the item's proxy agent (代办员), the project's butler, and the handlers of the item's
authority unit. What an enterprise supplies itself (a 容缺 gap made good, 补正 material) is
`approvals.supply_approval`: those people and the project's enterprise contacts. Checked without an
item, the object predicates let it pass ("may this person's roles ever do it", asked by the API
before it reads a body); a move the item's status does not allow is a 409, decided by the table.
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
