"""Words of a plan in the current language: modes, event kinds, cost items, cargo types, units.

Plans carry these as stable codes (`road`, `border_crossing`, `line_haul` …); every renderer
(terminal, report, page) shows them through these functions. Unknown codes come back readable
("some_code" → "some code") rather than failing, so a new code never breaks a renderer.
"""

from __future__ import annotations

from daliz.i18n import N_, _

_MODES = {
    "road": N_("road"),
    "rail": N_("rail"),
    "sea": N_("sea"),
    "ferry": N_("ferry"),
}
_PLACE_KINDS = {
    "city": N_("city"),
    "rail_station": N_("rail station"),
    "dry_port": N_("dry port"),
    "sea_port": N_("sea port"),
    "border_crossing": N_("border crossing point"),
    "terminal": N_("terminal"),
}
_EVENTS = {
    "border_crossing": N_("border crossing"),
    "border_wait": N_("wait for the border to open"),
    "transshipment": N_("transshipment"),
    "gauge_change": N_("gauge change"),
    "bogie_exchange": N_("bogie exchange"),
    "port_handling": N_("port handling"),
    "ferry_loading": N_("ferry loading"),
    "service_wait": N_("wait for the scheduled service"),
}
_COSTS = {
    "line_haul": N_("line haul"),
    "border": N_("borders"),
    "transshipment": N_("transshipment"),
    "gauge_change": N_("gauge change"),
    "port_handling": N_("port handling"),
    "documents": N_("documents"),
    "insurance": N_("insurance"),
    "waiting": N_("waiting"),
    "handling": N_("handling"),
}
_CARGO = {
    "bulk": N_("bulk"),
    "bagged": N_("bagged"),
    "container": N_("container"),
    "reefer": N_("reefer"),
    "dangerous": N_("dangerous goods"),
}
_UNITS = {
    "tonne": N_("tonne"),
    "teu": N_("TEU"),
    "feu": N_("FEU"),
    "reefer40": N_("40 ft reefer"),
    "reefer-40": N_("40 ft reefer"),
    "wagon": N_("wagon"),
    "truck": N_("truck"),
}
_FUELS = {
    "diesel": N_("diesel"),
    "electric": N_("electric"),
    "petrol": N_("petrol"),
    "gas": N_("natural gas"),
}
_OBJECTIVES = {
    "cheapest": N_("cheapest"),
    "fastest": N_("fastest"),
    "greenest": N_("lowest CO2e"),
    "balanced": N_("balanced"),
    "reliable": N_("most reliable"),
}
_STATUSES = {
    "proposed": N_("proposed"),
    "negotiated": N_("negotiated"),
    "signed": N_("signed"),
    "ratified": N_("ratified"),
    "in_force": N_("in force"),
    "suspended": N_("suspended"),
    "expired": N_("expired"),
    "unknown": N_("unknown"),
    "not yet": N_("not yet"),
}


def _plain(code: str) -> str:
    return code.replace("_", " ")


def mode_label(mode: str) -> str:
    """'rail' → 'rail' / 'теміржол' / 'ж/д' / 'ریل'."""
    return _(_MODES[mode]) if mode in _MODES else _plain(mode)


def place_kind_label(kind: str) -> str:
    """'sea_port' → 'sea port' in the current language."""
    return _(_PLACE_KINDS[kind]) if kind in _PLACE_KINDS else _plain(kind)


def event_label(kind: str) -> str:
    """'border_crossing', 'service_wait' … in the current language."""
    return _(_EVENTS[kind]) if kind in _EVENTS else _plain(kind)


def cost_label(item: str) -> str:
    """A cost breakdown item ('line_haul', 'border' …) in the current language."""
    return _(_COSTS[item]) if item in _COSTS else _plain(item)


def cargo_label(cargo_type: str) -> str:
    """'bulk', 'reefer' … in the current language."""
    return _(_CARGO[cargo_type]) if cargo_type in _CARGO else _plain(cargo_type)


def unit_label(unit: str) -> str:
    """A cargo unit ('teu', 'wagon' …) in the current language."""
    return _(_UNITS[unit]) if unit in _UNITS else _plain(unit)


def fuel_label(fuel: str) -> str:
    """A fuel or fuels ('diesel;electric') in the current language; codes (HFO, MDO) as they are."""
    parts = [p.strip() for p in fuel.replace(";", "/").split("/") if p.strip()]
    return " / ".join(_(_FUELS[p]) if p in _FUELS else p for p in parts)


def objective_label(objective: str) -> str:
    """A plan objective ('cheapest' …) in the current language."""
    return _(_OBJECTIVES[objective]) if objective in _OBJECTIVES else _plain(objective)


def status_label(status: str) -> str:
    """An agreement status ('in_force' …) in the current language."""
    return _(_STATUSES[status]) if status in _STATUSES else _plain(status)
