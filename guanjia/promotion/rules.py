"""Who may act on promotion tables and work items (django-rules); who may *see* them is `visible_to`.

Asked without an object (the API before it reads a body), the object predicates let a role that may act on
some table pass, so that only a role that may never act gets its 403 first.
"""

import rules

from guanjia.core.predicates import is_admin, is_butler, is_leader, is_zone_staff


def _project_of(obj):
    return getattr(obj, "project", obj)


@rules.predicate
def butles_project(user, obj) -> bool:
    """The project's butler (项目管家) of a table, a work item or the project itself."""
    return obj is None or _project_of(obj).butler_id == user.pk


@rules.predicate
def answers_for_item(user, work_item) -> bool:
    """The work item's responsible person, or a handler of its unit."""
    if work_item is None:
        return True
    if not hasattr(work_item, "responsible_id"):
        return False
    return work_item.responsible_id == user.pk or bool(user.unit_id and work_item.unit_id == user.unit_id)


manage_table = is_admin | is_leader | (is_butler & butles_project)
rules.add_perm("promotion.manage_table", manage_table)
rules.add_perm("promotion.handle_workitem", manage_table | (is_zone_staff & answers_for_item))
# The templates (促建表模板) are the service center's.
rules.add_perm("promotion.manage_template", is_admin)
