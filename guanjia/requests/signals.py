"""Sent after a request's change has committed (notifications and webhooks listen; they never block it)."""

import django.dispatch

# sender=Request class; kwargs: event_id (RequestEvent pk)
request_event_committed = django.dispatch.Signal()
