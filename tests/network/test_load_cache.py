"""load_network keeps a bounded number of loaded networks, and can forget them."""

from __future__ import annotations

import shutil
from pathlib import Path

from daliz.network import load
from daliz.network.load import LOADED_NETWORKS_KEPT, forget_loaded_networks, load_network


def _copies(mini_dir: Path, tmp_path: Path, count: int) -> list[Path]:
    copies = []
    for number in range(count):
        target = tmp_path / f"mini{number}"
        shutil.copytree(mini_dir, target)
        copies.append(target)
    return copies


def test_only_the_newest_networks_are_kept(mini_dir: Path, tmp_path: Path) -> None:
    forget_loaded_networks()
    copies = _copies(mini_dir, tmp_path, LOADED_NETWORKS_KEPT + 2)
    first = [load_network(path) for path in copies]
    assert len(load._CACHE) == LOADED_NETWORKS_KEPT
    assert load_network(copies[-1]) is first[-1]  # kept: the same object
    assert load_network(copies[0]) is not first[0]  # dropped: loaded again
    assert load_network(copies[0]) == first[0]


def test_forgetting_drops_every_loaded_network(mini_dir: Path) -> None:
    network = load_network(mini_dir)
    forget_loaded_networks()
    assert not load._CACHE
    assert load_network(mini_dir) is not network


def test_a_compiled_network_keeps_named_memos() -> None:
    from daliz.planning import planning_context

    cn = planning_context(None).compiled
    memo = cn.memo("test_memo")
    memo["key"] = 1
    assert cn.memo("test_memo") is memo and cn.memo("test_memo")["key"] == 1
    assert cn.memo("another_test_memo") == {}
    cn.derived["test_memo"] = "not a dict"  # whatever else sits under the name is replaced
    assert cn.memo("test_memo") == {}
    del cn.derived["test_memo"], cn.derived["another_test_memo"]
