"""A loaded network with its compiled search arrays and rule book, reused across plans."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from daliz.network.compile import CompiledNetwork, compile_network
from daliz.network.load import load_network
from daliz.network.model import Network
from daliz.rules import RuleBook, load_rules


@dataclass
class PlanningContext:
    """A network with its compiled arrays and rule book, reused across plans."""

    network: Network
    compiled: CompiledNetwork
    rules: RuleBook


_CONTEXTS: dict[tuple[str, str], PlanningContext] = {}


def planning_context(
    dataset: str | Path | None = None,
    network: Network | None = None,
    rules: RuleBook | None = None,
) -> PlanningContext:
    """Load (once per process) the network, its compiled arrays and the rule book.

    `rules` (e.g. a scenario's rule book) replaces the dataset's for this network from now on.
    """
    if network is None:
        network = load_network(dataset)
    key = (network.info.content_hash, str(id(network)))
    context = _CONTEXTS.get(key)
    if context is None or (rules is not None and context.rules is not rules):
        dirs = [Path(d) for d in network.info.directories]
        compiled = context.compiled if context is not None else compile_network(network)
        book = rules if rules is not None else load_rules(dirs)
        context = PlanningContext(network, compiled, book)
        _CONTEXTS.clear() if len(_CONTEXTS) > 8 else None
        _CONTEXTS[key] = context
    return context
