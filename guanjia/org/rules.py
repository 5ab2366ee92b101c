import rules

from guanjia.core.predicates import is_admin

rules.add_perm("org.manage_org", is_admin)
