from guanjia.approvals.graph import describe_cycle, find_cycle, rotate


def test_no_cycle_in_a_chain_or_a_diamond():
    assert find_cycle({"施工许可": ["施工图审查", "消防设计审查"], "消防设计审查": ["施工图审查"],
                       "施工图审查": ["规划许可"], "规划许可": []}) == []
    assert find_cycle({}) == []


def test_a_cycle_is_named_in_handling_order_and_closed():
    # A requires C, B requires A, C requires B: A is handled before B, B before C, C before A.
    cycle = find_cycle({"A": ["C"], "B": ["A"], "C": ["B"]})
    assert cycle == ["A", "B", "C", "A"]
    assert describe_cycle(rotate(cycle, "B")) == "B → C → A → B"
    assert describe_cycle(cycle, {"A": "甲", "B": "乙", "C": "丙"}) == "甲 → 乙 → 丙 → 甲"


def test_self_requirement_and_pairs():
    assert find_cycle({1: [1]}) == [1, 1]
    assert find_cycle([("x", "y"), ("y", "z"), ("z", "x")]) == ["x", "z", "y", "x"]
    # Nodes off the cycle are left out of it.
    assert find_cycle({"D": ["A"], "A": ["B"], "B": ["A"]}) == ["A", "B", "A"]


def test_a_long_chain_does_not_recurse():
    chain = {n: [n + 1] for n in range(5000)}
    assert find_cycle(chain) == []
    chain[4999] = [0]
    assert len(find_cycle(chain)) == 5001
