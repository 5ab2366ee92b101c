"""Who may do what with a request (django-rules); who may *see* one is `Request.objects.visible_to`.

Every action of the transition table (choices.MOVES) has its permission `requests.<action>_request`.
Checked without a request (`user.has_perm(perm)`), the object predicates let it pass: the
answer is then "may this person's roles ever take this action", which the API asks before
reading a body (403). Checked on a request, the predicates tie the person to it. A move the
request's state does not allow is a 409, decided by the table, not here.
"""

import rules

from guanjia.core.choices import Role
from guanjia.core.predicates import has_role, is_admin, is_butler, is_leader, is_superuser, is_zone_staff
from guanjia.requests.choices import OPEN_STATUSES, OPEN_TASK_STATUSES, Action, Status

is_unit = has_role(Role.UNIT)
is_enterprise = has_role(Role.ENTERPRISE)


@rules.predicate
def is_staff(user) -> bool:
    """Zone staff in any role: not only an enterprise's own contact."""
    return bool(user.is_authenticated and (user.is_superuser or user.role_codes - {Role.ENTERPRISE}))


@rules.predicate
def of_own_enterprise(user, request) -> bool:
    """The request is the person's own enterprise's (an enterprise contact rates and supplies only those)."""
    return request is None or bool(user.enterprise_id and user.enterprise_id == request.enterprise_id)


@rules.predicate
def is_its_butler(user, request) -> bool:
    return request is None or request.butler_id == user.pk


@rules.predicate
def unit_still_working(user, request) -> bool:
    """The person's unit has a task on the request not yet answered (待签收 or 办理中)."""
    if request is None:
        return True
    if not user.unit_id:
        return False
    return any(t.unit_id == user.unit_id and t.status in OPEN_TASK_STATUSES for t in request.unit_tasks.all())


center = is_admin  # the service center (superusers included)
handles = center | is_butler  # who takes requests in and handles them: the center and the butlers
approves = center | is_leader  # who may extend a deadline and reopen a request

PERMISSIONS = {
    Action.ACCEPT: handles,
    Action.REPLY: handles,
    Action.TRANSFER: handles,
    Action.SUSPEND: handles,
    Action.RESUME: handles,
    Action.ESCALATE: handles,
    Action.RESOLVE: handles,
    Action.MERGE: handles,
    Action.SIGN: is_superuser | is_unit,
    Action.FEEDBACK: is_superuser | is_unit,
    Action.RETURN: is_superuser | is_unit,
    Action.REASSIGN: center,
    Action.CLOSE: center,
    Action.EXTEND: approves,
    Action.REOPEN: approves,
    Action.APPROVE_EXTENSION: approves,
    Action.DENY_EXTENSION: approves,
    # The request's own butler, or a unit still working on it, asks for more time.
    Action.APPLY_EXTENSION: is_superuser | (is_butler & is_its_butler) | (is_unit & unit_still_working),
    Action.RATE: is_superuser | (is_enterprise & of_own_enterprise),
    Action.SUPPLY: is_superuser | of_own_enterprise,
    Action.NOTE: is_staff,
    # -- arbitration of a 退单 (issue 14): the center, as for 仲裁改派 --
    Action.UPHOLD_RETURN: center,
    Action.DISMISS_RETURN: center,
}
# The leader's hand (领导批示, DOMAIN.md "Leaders act, not only watch"): a leader instructs (批示), transfers (转办)
# and settles (办结) any request of the zone they see (`visible_to`: the whole zone), an escalated one first of all.
# A 批示 is a leader's own act: the service center transfers and settles, but does not instruct.
PERMISSIONS[Action.INSTRUCT] = is_superuser | is_leader
PERMISSIONS[Action.TRANSFER] = handles | is_leader
PERMISSIONS[Action.RESOLVE] = handles | is_leader

for _action, _predicate in PERMISSIONS.items():
    rules.add_perm(f"requests.{_action}_request", _predicate)

# Raising: staff who take requests in, leaders (直通车 letters), and enterprises (吹哨).
rules.add_perm("requests.add_request", handles | is_leader | is_enterprise)


@rules.predicate
def is_open(user, request) -> bool:
    return request is None or request.status in OPEN_STATUSES


@rules.predicate
def is_escalated(user, request) -> bool:
    return request is None or request.status == Status.ESCALATED


@rules.predicate
def convenes_meetings(user) -> bool:
    """Holds the power to convene meetings (会议召集权, meetings/rules.py)."""
    return user.has_perm("meetings.add_meeting")


# Convening a joint meeting on a request (会办, offered on its page): whoever convenes meetings, on a request
# escalated for it; a leader also on any other open request (a 直通车 letter, an item they follow).
rules.add_perm("requests.convene_request", convenes_meetings & (is_escalated | (is_open & is_leader)))
# A leader's 批示 (its text, the leader's name) is for the zone's staff, never for an enterprise's contact.
rules.add_perm("requests.view_instruction", is_zone_staff)

# The zone's time-limit rules (时限规则) are the service center's configuration.
rules.add_perm("requests.manage_clockrules", center)
