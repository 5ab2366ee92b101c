"""Who may do what in 代办 (django-rules). Seeing is `visible_to` (models.py); these say who may act.

The catalogue (审批事项清单) is the zone's published list: everyone signed in reads it (its
`visible_to`), the service center's admins write it.
"""

import rules

from guanjia.core.predicates import is_admin

rules.add_perm("approvals.view_approvalitem", rules.is_authenticated)
rules.add_perm("approvals.add_approvalitem", is_admin)
rules.add_perm("approvals.change_approvalitem", is_admin)
rules.add_perm("approvals.archive_approvalitem", is_admin)
rules.add_perm("approvals.import_approvalitem", is_admin)
