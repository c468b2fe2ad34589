"""daliz — plan, price and explain the Central Asia ↔ South Asia freight corridors.

import daliz
result = daliz.plan(origin="Kostanay", destination="Karachi", commodity="wheat", tonnes=500)
network = daliz.load_network()          # the bundled, validated corridor dataset
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from daliz.network import load_network
    from daliz.planning import PlanRequest, PlanResult, plan

__all__ = ["PlanRequest", "PlanResult", "__version__", "load_network", "plan"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import daliz.trade` does not pay for the planner.
    if name in ("plan", "PlanRequest", "PlanResult"):
        from daliz import planning

        return getattr(planning, name)
    if name == "load_network":
        from daliz.network import load_network

        return load_network
    raise AttributeError(f"module 'daliz' has no attribute {name!r}")
