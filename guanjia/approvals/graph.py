"""Prerequisite graphs (前置事项): finding a cycle, so that a catalogue or a handbook can refuse it by name.

A graph is given as `{node: [its prerequisites]}` (or as `(node, prerequisite)` pairs). The plain
depth-first pass below is the whole cost: graphlib's `CycleError` also names a cycle, but in an order
that depends on its internal walk; here the walk follows the mapping's own order, so the same
catalogue always names the same cycle, starting from the first node of the mapping that lies on it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

Edges = Mapping[Hashable, Iterable[Hashable]] | Iterable[tuple[Hashable, Hashable]]


def _as_mapping(edges: Edges) -> dict[Hashable, list[Hashable]]:
    if isinstance(edges, Mapping):
        return {node: list(prerequisites) for node, prerequisites in edges.items()}
    graph: dict[Hashable, list[Hashable]] = {}
    for node, prerequisite in edges:
        graph.setdefault(node, []).append(prerequisite)
    return graph


def find_cycle(edges: Edges) -> list[Hashable]:
    """A cycle of prerequisites in handling order, closed (`[a, b, c, a]`: a before b before c before a),
    or `[]` where there is none.

    "a before b" means a is a prerequisite of b. A node that requires itself is the cycle `[a, a]`.
    """
    graph = _as_mapping(edges)
    done: set[Hashable] = set()
    for root in list(graph):
        if root in done:
            continue
        # Iterative DFS along "requires": the path holds the nodes being walked, in order.
        path: list[Hashable] = [root]
        on_path = {root: 0}
        stack = [iter(graph.get(root, ()))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                node = path.pop()
                del on_path[node]
                done.add(node)
                continue
            if child in on_path:
                # path[i:] each requires the next, and the last requires child: reverse it into handling order.
                requiring = [*path[on_path[child]:], child]
                return list(reversed(requiring))
            if child in done:
                continue
            on_path[child] = len(path)
            path.append(child)
            stack.append(iter(graph.get(child, ())))
    return []


def rotate(cycle: Sequence[Hashable], start: Hashable) -> list[Hashable]:
    """The same closed cycle told from `start` (a node on it), so a message can begin with the item at hand."""
    ring = list(cycle[:-1])
    if start not in ring:
        return list(cycle)
    at = ring.index(start)
    ring = ring[at:] + ring[:at]
    return [*ring, ring[0]]


def describe_cycle(cycle: Sequence[Hashable], names: Mapping[Hashable, str] | None = None) -> str:
    """“A → B → C → A”."""
    return " → ".join(str(names[node]) if names is not None else str(node) for node in cycle)
