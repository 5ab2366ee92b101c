"""Open deadlines computed on a provisional calendar year are recomputed when that year's notice is loaded."""

from django.dispatch import receiver

from guanjia.core.signals import calendar_year_loaded


@receiver(calendar_year_loaded, dispatch_uid="workflow-recompute-provisional")
def recompute_provisional_clocks(sender, year: int, **kwargs) -> None:
    from guanjia.workflow.services import clocks_recompute_provisional

    clocks_recompute_provisional()
