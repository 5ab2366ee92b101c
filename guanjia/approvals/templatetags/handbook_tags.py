"""`{% project_handbook project as hb %}`: the project's handbook on its page, in two queries."""

from django import template
from django.db.models import Count, Q

from guanjia.approvals.choices import FINISHED_STATUSES

register = template.Library()


@register.simple_tag(takes_context=True)
def project_handbook(context, project) -> dict:
    from guanjia.approvals.models import Approval, Handbook

    user = context["request"].user
    handbook = Handbook.objects.visible_to(user).select_related("agent").filter(project=project.pk).first()
    if handbook is None:
        return {"handbook": None, "can_create": user.has_perm("approvals.plan_handbook", project)}
    counts = Approval.objects.filter(handbook=handbook).aggregate(
        total=Count("pk"), finished=Count("pk", filter=Q(status__in=FINISHED_STATUSES)))
    return {"handbook": handbook, **counts}
