import rules

from guanjia.core.predicates import is_admin, is_butler, is_leader, is_zone_staff, serves_record

rules.add_perm("enterprises.add_enterprise", is_admin)
rules.add_perm("enterprises.change_enterprise", is_admin | (is_butler & serves_record))
rules.add_perm("enterprises.archive_enterprise", is_admin)
rules.add_perm("enterprises.assign_enterprise", is_admin | is_leader)
rules.add_perm("enterprises.import_enterprise", is_admin)
# The staff's internal note (内部备注) about an enterprise: never shown to any enterprise contact (page, API,
# export, history, notices).
rules.add_perm("enterprises.view_internal_note", is_zone_staff)
