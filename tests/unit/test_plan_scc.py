"""plan.strongly_connected: iterative Tarjan that decides lazy imports between model modules."""

from __future__ import annotations

from generator.plan import strongly_connected


def test_components() -> None:
    graph = {"a": ["b"], "b": ["a", "c"], "c": [], "d": ["d"], "e": ["c", "missing"]}
    scc = strongly_connected(graph)
    assert scc["a"] == scc["b"] == frozenset({"a", "b"})
    assert scc["c"] == frozenset({"c"})
    assert scc["d"] == frozenset({"d"})
    assert scc["e"] == frozenset({"e"})


def test_deep_chain_needs_no_recursion() -> None:
    n = 50_000
    graph = {f"m{i}": [f"m{i + 1}"] for i in range(n)}
    graph[f"m{n}"] = ["m0"]
    scc = strongly_connected(graph)
    assert len(scc["m0"]) == n + 1


def test_import_depths_ignore_cycles_and_need_no_recursion() -> None:
    from generator.plan import import_depths

    graph = {"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": []}
    depths = import_depths(graph, strongly_connected(graph))
    assert depths["d"] == 1 and depths["c"] == 2
    assert depths["a"] == 1 and depths["b"] == 3  # a imports b lazily (same cycle)
    chain = {f"m{i}": [f"m{i + 1}"] for i in range(30_000)}
    chain["m30000"] = []
    assert import_depths(chain, strongly_connected(chain))["m0"] == 30_001
