"""Writes to requests (诉求): one service per transition of choices.MOVES, by concern.

- `intake`: raising a request (numbered, once however often the form is sent);
- `transitions`: the request's own moves (签收, 答复, 中止 / 恢复, 升级, 办结, 评价, 重办, 关闭, 并单, notes);
- `unit_tasks`: the units' part (转办, 部门签收, 反馈, 退单, 仲裁改派);
- `arbitration`: the center's decision on a unit's 退单 (同意退单, 驳回退单; 仲裁改派 is in `unit_tasks`);
- `extensions`: 延期 and its application (申请 → 批准 / 驳回);
- `clock_rules`: the zone's time-limit rules;
- `leaders`: the leader's 批示 (a leader's 转办, 办结 and meetings are the services above);
- `common`: what they share (the transition's beginning, the request's clocks and deadlines).

Every transition goes through the workflow kernel's helper: it locks the row that moves (the
request, a unit's task, an extension application), checks the actor's permission (403) and the
status against that row's table (409); the service moves the clocks, and the helper writes the
row, its tracked item and the timeline row in the same transaction. Notifications go out after
commit.
"""

from guanjia.requests.services.arbitration import request_dismiss_return, request_uphold_return
from guanjia.requests.services.clock_rules import clock_rule_save
from guanjia.requests.services.common import check_may_act, check_may_raise, may_raise
from guanjia.requests.services.extensions import (
    MAX_EXTENSION_DAYS,
    MAX_EXTENSIONS,
    request_apply_extension,
    request_approve_extension,
    request_deny_extension,
    request_extend,
)
from guanjia.requests.services.intake import INTAKE_KEY_MAX, AlreadyRaised, request_raise
from guanjia.requests.services.leaders import request_instruct
from guanjia.requests.services.transitions import (
    request_accept,
    request_add_note,
    request_close,
    request_escalate,
    request_merge,
    request_rate,
    request_reopen,
    request_reply,
    request_resolve,
    request_resume,
    request_supply,
    request_suspend,
)
from guanjia.requests.services.unit_tasks import (
    request_reassign,
    request_return,
    request_transfer,
    request_unit_feedback,
    request_unit_sign,
)

__all__ = [
    "INTAKE_KEY_MAX",
    "MAX_EXTENSIONS",
    "MAX_EXTENSION_DAYS",
    "AlreadyRaised",
    "check_may_act",
    "check_may_raise",
    "clock_rule_save",
    "may_raise",
    "request_accept",
    "request_add_note",
    "request_apply_extension",
    "request_approve_extension",
    "request_close",
    "request_deny_extension",
    "request_dismiss_return",
    "request_escalate",
    "request_extend",
    "request_instruct",
    "request_merge",
    "request_raise",
    "request_rate",
    "request_reassign",
    "request_reopen",
    "request_reply",
    "request_resolve",
    "request_resume",
    "request_return",
    "request_supply",
    "request_suspend",
    "request_transfer",
    "request_uphold_return",
    "request_unit_feedback",
    "request_unit_sign",
]
