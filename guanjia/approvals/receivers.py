"""The planner hears every move of a handbook item (approvals.signals.approval_moved) and re-plans."""

from django.dispatch import receiver

from guanjia.approvals.signals import approval_moved


@receiver(approval_moved, dispatch_uid="approvals.replan_on_move")
def replan_on_move(sender, *, approval, actor=None, action=None, **kwargs) -> None:
    from guanjia.approvals.services.handbooks import handbook_replan

    handbook_replan(handbook_id=approval.handbook_id, actor=actor)
