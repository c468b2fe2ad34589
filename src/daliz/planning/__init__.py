"""Shipment planning: requests, the planner, and the result shape shared by every interface."""

from daliz.planning.planner import PlanningContext, plan, planning_context
from daliz.planning.request import PlanRequest
from daliz.planning.result import Alternative, Event, Leg, PlanResult, Totals

__all__ = [
    "Alternative",
    "Event",
    "Leg",
    "PlanRequest",
    "PlanResult",
    "PlanningContext",
    "Totals",
    "plan",
    "planning_context",
]
