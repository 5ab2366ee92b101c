import rules

from guanjia.core.predicates import is_admin

# The sign-in log is the admins' (等保: the security audit is read by the people who administer it).
rules.add_perm("accounts.view_sign_in_log", is_admin)
