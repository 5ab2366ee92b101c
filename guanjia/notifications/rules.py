import rules

from guanjia.core.predicates import is_admin

# The group robots are the service center's configuration.
rules.add_perm("notifications.manage_webhooks", is_admin)
