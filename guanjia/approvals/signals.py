"""What the parts of 代办 tell each other without importing one another.

`approval_moved` is sent (inside the move's transaction, after its timeline row is written) by every
move of a handbook item that changes what the plan knows of it: accepted (its due now counts from
the acceptance), 补正 asked or answered, finished (approved, refused, not applicable). The handbook's
planner listens and re-plans the items after it (approvals.services.handbooks).
Arguments: `approval` (the moved Approval, saved), `actor`, `action` (approvals.choices.Action).
"""

from django.dispatch import Signal

approval_moved = Signal()
