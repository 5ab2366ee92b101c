"""Action-item deadlines counted on a provisional calendar year are recounted when that year's notice is loaded."""

from django.dispatch import receiver

from guanjia.core.signals import calendar_year_loaded


@receiver(calendar_year_loaded, dispatch_uid="meetings-recompute-provisional")
def recompute_provisional_deadlines(sender, year: int, **kwargs) -> None:
    from guanjia.meetings.services import action_items_recompute_provisional

    action_items_recompute_provisional(year=year)
