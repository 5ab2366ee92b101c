"""The promotion table's card on a project's page: its context read here, a fixed number of queries."""

from django import template

from guanjia.promotion import selectors

register = template.Library()


@register.inclusion_tag("promotion/_card.html", takes_context=True)
def promotion_card(context, project):
    user = context["request"].user
    card = selectors.project_card(user, project)
    card["project"] = project
    card["can_hand_over"] = card["table"] is None and user.has_perm("promotion.manage_table", project)
    return card
