"""Who may convene, edit and follow up meetings (django-rules); who may *see* them is `visible_to`."""

import rules

from guanjia.core.predicates import is_admin, is_butler, is_leader


@rules.predicate
def is_convener(user, meeting) -> bool:
    return meeting is not None and meeting.convener_id == user.pk


@rules.predicate
def convened_item(user, item) -> bool:
    return item is not None and item.meeting.convener_id == user.pk


@rules.predicate
def owns_item(user, item) -> bool:
    """A person of the owner unit, or the owner person named on the item."""
    if item is None:
        return False
    return item.owner_person_id == user.pk or bool(user.unit_id and item.owner_unit_id == user.unit_id)


# Butlers hold the power to convene meetings (会议召集权); station heads and leaders chair them.
rules.add_perm("meetings.add_meeting", is_admin | is_butler | is_leader)
rules.add_perm("meetings.change_meeting", is_admin | is_convener)
rules.add_perm("meetings.complete_actionitem", is_admin | convened_item | owns_item)
# Only the service center names someone else as a meeting's convener.
rules.add_perm("meetings.appoint_convener", is_admin)
