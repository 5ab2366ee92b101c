from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def request_url(request_obj) -> str:
    """The request's page, or "" while the requests app has no detail page to link to."""
    try:
        return reverse("requests:detail", args=[request_obj.pk])
    except NoReverseMatch:
        return ""
