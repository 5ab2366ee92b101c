import rules

from guanjia.core.predicates import is_admin, is_butler, is_leader, serves_record

rules.add_perm("projects.add_project", is_admin | is_butler)
rules.add_perm("projects.change_project", is_admin | (is_butler & serves_record))
rules.add_perm("projects.archive_project", is_admin)
rules.add_perm("projects.assign_project", is_admin | is_leader)
