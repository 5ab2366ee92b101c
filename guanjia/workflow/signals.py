"""Sent after a tracked item's change has committed: notifications listen, and never block the change."""

import django.dispatch

# sender=Event class; kwargs: event_id (the timeline Event's pk)
event_committed = django.dispatch.Signal()
