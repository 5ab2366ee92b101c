"""The planner hears every move of a handbook item (approvals.signals.approval_moved) and re-plans; and
when a year's holidays are loaded, it re-plans the handbooks whose plan counted days through that year."""

import logging

from django.db.models import Q
from django.dispatch import receiver

from guanjia.approvals.signals import approval_moved
from guanjia.core.signals import calendar_year_loaded

logger = logging.getLogger(__name__)


@receiver(approval_moved, dispatch_uid="approvals.replan_on_move")
def replan_on_move(sender, *, approval, actor=None, action=None, **kwargs) -> None:
    """Inside the move's transaction. A plan that cannot be made (a date beyond the calendar) never refuses the
    move itself: the handbook keeps its last plan (handbook_replan rolled back to its savepoint) and says why."""
    from django.core.exceptions import ValidationError

    from guanjia.approvals.services.handbooks import handbook_replan

    try:
        handbook_replan(handbook_id=approval.handbook_id, actor=actor)
    except ValidationError:
        logger.warning("handbook %s keeps its plan: re-planning after %s of item %s failed", approval.handbook_id,
                       action, approval.pk, exc_info=True)


@receiver(calendar_year_loaded, dispatch_uid="approvals.replan_on_calendar")
def replan_on_calendar(sender, *, year: int, was_provisional: bool = True, actor=None, **kwargs) -> None:
    """Idempotent: each handbook is re-planned in its own transaction; one that fails is logged and left."""
    from guanjia.approvals.choices import HandbookStatus
    from guanjia.approvals.models import Handbook
    from guanjia.approvals.services.handbooks import handbook_replan

    through_year = Q(start_on__year__lte=year, planned_finish__year__gte=year)
    wanted = Q(provisional=True) & through_year if was_provisional else through_year
    for handbook_id in Handbook.objects.filter(wanted, status=HandbookStatus.ACTIVE).values_list("pk", flat=True):
        try:
            handbook_replan(handbook_id=handbook_id, actor=actor)
        except Exception:  # noqa: BLE001 - the load stands; the next load or move re-plans it
            logger.exception("re-planning handbook %s after loading %s failed", handbook_id, year)
