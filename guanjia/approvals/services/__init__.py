"""Writes of 代办: one module per concern.

- `catalogue`: the zone's approval catalogue (审批事项清单).
- `lifecycle`: a handbook item's moves after it is planned (准备材料, 受理 / 容缺受理, 补齐, 审查, 补正, 重新提交,
  办结, 不予许可, 不适用), one short service each through the workflow kernel's transition helper.
"""
