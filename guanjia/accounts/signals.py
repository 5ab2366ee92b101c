"""Sign-outs go to the sign-in log; a new session starts its idle clock."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from guanjia.accounts.choices import Channel, Outcome
from guanjia.accounts.middleware import stamp_activity


@receiver(user_logged_in, dispatch_uid="accounts-stamp-session")
def _stamp(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        stamp_activity(request, user)


@receiver(user_logged_out, dispatch_uid="accounts-log-logout")
def _logged_out(sender, request, user, **kwargs):
    from guanjia.accounts.services import record

    if user is not None:
        detail = getattr(request, "_guanjia_logout_reason", "") if request is not None else ""
        record(outcome=Outcome.LOGOUT, channel=Channel.WEB, request=request, user=user, detail=detail)
