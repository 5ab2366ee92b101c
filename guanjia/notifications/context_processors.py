"""`notifications_unread` for every template: the number of unread notices, counted only if a template reads it."""

from django.utils.functional import SimpleLazyObject


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from guanjia.notifications.selectors import unread_count

        return unread_count(user)

    return {"notifications_unread": SimpleLazyObject(count)}
