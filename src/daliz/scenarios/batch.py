"""Batch runs: many flows × scenarios on Dask, best route per flow, corridor shares.

A flows file (CSV or Parquet) has the columns `origin`, `destination`, `commodity`, `tonnes`
and optionally `date` (departure, YYYY-MM-DD) and `id`. Every flow is planned on the base
dataset and under each scenario; the best route's figures make one output row per
(flow, scenario). A flow that cannot be planned (unknown place, no route …) gets its message in
the `error` column — it never stops the batch.

Work is cut into chunks of flows, one Dask task per (scenario, chunk). Workers load the network
and apply the scenario once (cached per process), so a task costs only its plans. By default a
local cluster of worker *processes* runs on this machine; `scheduler` names a running cluster
(its workers need daliz installed and the dataset at the same path — the bundled default
always is).
"""

from __future__ import annotations

import importlib
import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from daliz.errors import DalizError, DatasetError, Problem, RequestError

REQUIRED = ("origin", "destination", "commodity", "tonnes")
OPTIONAL = ("date", "id")
OUTPUT_COLUMNS = (
    "flow_id",
    "scenario",
    "origin",
    "destination",
    "commodity",
    "tonnes",
    "date",
    "corridor",
    "corridor_id",
    "cost_usd",
    "cost_usd_per_tonne",
    "days",
    "days_p50",
    "days_p90",
    "co2e_kg",
    "distance_km",
    "border_crossings",
    "alternatives",
    "dataset",
    "error",
)


@dataclass(frozen=True)
class Flow:
    """One origin–destination–commodity flow of a batch."""

    id: str
    origin: str
    destination: str
    commodity: str
    tonnes: str  # as written: parsed per flow so a bad value is that flow's error
    date: str = ""


@dataclass(frozen=True)
class BatchOptions:
    """How every flow is planned."""

    objective: str = "balanced"
    draws: int = 1000
    seed: int = 20260203
    default_date: str = ""  # flows without a date depart on this day (empty: today)
    screen: bool = False  # fast approximate screening (daliz.planning.screen), not full plans


def read_flows(path: str | Path) -> list[Flow]:
    """Read a flows file (.csv, or .parquet/.pq).

    Raises DatasetError when the file is missing columns or cannot be read; bad values in a row
    are left for that flow's error.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise RequestError(f"Flows file {str(path)!r} does not exist.")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(path).astype(str)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    except Exception as exc:  # a broken file of any kind: say which and why
        raise DatasetError([Problem(str(path), None, None, f"cannot be read: {exc}")]) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DatasetError(
            [Problem(str(path), 0, column, "required column is missing") for column in missing],
            what="flows file",
        )
    flows = []
    for index, row in enumerate(frame.to_dict("records"), start=1):
        values = {
            k: ("" if v is None or str(v) in ("nan", "None") else str(v).strip())
            for k, v in row.items()
        }
        flows.append(
            Flow(
                id=values.get("id") or str(index),
                origin=values["origin"],
                destination=values["destination"],
                commodity=values["commodity"],
                tonnes=values["tonnes"],
                date=values.get("date", ""),
            )
        )
    if not flows:
        raise DatasetError([Problem(str(path), None, None, "has no flows")], what="flows file")
    return flows


# --------------------------------------------------------------------------- evaluation
def _row(flow: Flow, scenario: str, **figures: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(OUTPUT_COLUMNS)
    row.update(
        flow_id=flow.id,
        scenario=scenario,
        origin=flow.origin,
        destination=flow.destination,
        commodity=flow.commodity,
        tonnes=_float(flow.tonnes),
        date=flow.date or None,
        alternatives=0,
    )
    row.update(figures)
    return row


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def evaluate_flow(variant: Any, flow: Flow, options: BatchOptions) -> dict[str, Any]:
    """Plan one flow on one variant: the best route's figures, or the error."""
    from daliz.planning.planner import request_from_fields
    from daliz.scenarios.variants import plan_variant

    tonnes = _float(flow.tonnes)
    if tonnes is None:
        return _row(flow, variant.name, error=f"tonnes {flow.tonnes!r} is not a number")
    try:
        request = request_from_fields(
            origin=flow.origin,
            destination=flow.destination,
            commodity=flow.commodity,
            tonnes=tonnes,
            date=flow.date or options.default_date or None,
            objective=options.objective,
            draws=options.draws,
            seed=options.seed,
        )
        result = plan_variant(variant, request)
    except DalizError as exc:
        return _row(flow, variant.name, error=exc.message)
    except Exception as exc:  # a bug must not stop the batch either; it is reported
        return _row(flow, variant.name, error=f"internal error: {type(exc).__name__}: {exc}")
    best = result.alternatives[0]
    t = best.totals
    return _row(
        flow,
        variant.name,
        corridor=best.corridor,
        corridor_id=best.corridor_id,
        cost_usd=t.cost_usd,
        cost_usd_per_tonne=t.cost_usd_per_tonne,
        days=t.days,
        days_p50=t.days_p50,
        days_p90=t.days_p90,
        co2e_kg=t.co2e_kg,
        distance_km=t.distance_km,
        border_crossings=";".join(best.border_crossings),
        alternatives=len(result.alternatives),
        dataset=f"{result.dataset.name}#{result.dataset.hash[:12]}",
    )


def evaluate_chunk(
    dataset: str | None, scenario: Any, flows: Sequence[Flow], options: BatchOptions
) -> list[dict[str, Any]]:
    """Plan a chunk of flows under one scenario (None: the base). Runs on a Dask worker."""
    from daliz.scenarios.variants import base_variant, scenario_variant

    base = base_variant(dataset)
    variant = base if scenario is None else scenario_variant(base, scenario)
    if options.screen:
        return [screen_flow(variant, flow, options) for flow in flows]
    return [evaluate_flow(variant, flow, options) for flow in flows]


_SCREENERS: dict[tuple[int, str], Any] = {}


def screen_flow(variant: Any, flow: Flow, options: BatchOptions) -> dict[str, Any]:
    """Screen one flow on one variant (fast, approximate; see daliz.planning.screen)."""
    from daliz.planning.context import planning_context
    from daliz.planning.screen import Screener

    tonnes = _float(flow.tonnes)
    if tonnes is None:
        return _row(flow, variant.name, error=f"tonnes {flow.tonnes!r} is not a number")
    key = (id(variant.network), options.objective)
    screener = _SCREENERS.get(key)
    if screener is None or screener.ctx.network is not variant.network:
        ctx = planning_context(network=variant.network, rules=variant.rules)
        screener = _SCREENERS[key] = Screener(ctx, objective=options.objective)
    try:
        found = screener.screen(flow.origin, flow.destination, flow.commodity, tonnes)
    except DalizError as exc:
        return _row(flow, variant.name, error=exc.message)
    except Exception as exc:  # a bug must not stop the batch either; it is reported
        return _row(flow, variant.name, error=f"internal error: {type(exc).__name__}: {exc}")
    if "error" in found:
        return _row(flow, variant.name, error=found["error"])
    info = variant.network.info
    return _row(
        flow,
        variant.name,
        corridor=found["corridor"],
        corridor_id=found["corridor_id"],
        cost_usd=round(found["cost_usd"], 2),
        cost_usd_per_tonne=round(found["cost_usd"] / tonnes, 2),
        days=round(found["days"], 2),
        co2e_kg=round(found["co2e_kg"], 1),
        distance_km=round(found["distance_km"], 1),
        border_crossings=";".join(found["border_crossings"]),
        alternatives=1,
        dataset=f"{info.name}#{info.content_hash[:12]} (screened)",
    )


def _warm(dataset: str | None, scenarios: Sequence[Any]) -> int:
    """Load the network and apply every scenario once on a worker (before timing starts)."""
    from daliz.scenarios.variants import base_variant, scenario_variant

    base = base_variant(dataset)
    for scenario in scenarios:
        scenario_variant(base, scenario)
    return len(scenarios)


# --------------------------------------------------------------------------- running
@dataclass
class BatchResult:
    """Rows of a batch run and how it went."""

    rows: list[dict[str, Any]]
    scenarios: list[str]
    flows: int
    seconds: float  # wall time of the whole run, cluster start included
    workers: int
    summary: dict[str, Any] = field(default_factory=dict)
    compute_seconds: float = 0.0  # from the first task submitted (workers warm) to the last result
    worker_cpu_seconds: float = 0.0  # CPU time the workers spent meanwhile (all workers summed)

    @property
    def evaluations(self) -> int:
        """flows × variants planned."""
        return len(self.rows)

    @property
    def failed(self) -> int:
        """Rows with an error."""
        return sum(1 for r in self.rows if r["error"])

    def frame(self) -> Any:
        """The rows as a pandas DataFrame (columns in `OUTPUT_COLUMNS` order)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(OUTPUT_COLUMNS))


def _chunks(flows: Sequence[Flow], size: int) -> list[Sequence[Flow]]:
    return [flows[i : i + size] for i in range(0, len(flows), size)]


def chunk_size_for(flows: int, variants: int, workers: int) -> int:
    """Flows per task: about 16 tasks per worker (the last ones balance the load), 1–200."""
    tasks_wanted = max(16 * workers, 1)
    return max(1, min(200, math.ceil(flows * max(variants, 1) / tasks_wanted)))


def run_batch(
    flows: Sequence[Flow],
    scenarios: Sequence[str],
    *,
    dataset: str | Path | None = None,
    options: BatchOptions | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    processes: bool = True,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Plan every flow on the base dataset and under each scenario, on Dask.

    Parameters
    ----------
    flows : from `read_flows`
    scenarios : scenario files or bundled names (the base is always included, first)
    dataset : the base dataset directory (None: bundled default / $DALIZ_DATASET)
    options : objective, reliability draws, seed, default date
    scheduler : address of a running Dask scheduler; None starts a local cluster
    workers : local cluster size (default 2); processes: worker processes (else threads)
    chunk_size : flows per task (default: about 16 tasks per worker)
    progress : called with (evaluations done, total) as tasks finish

    Returns a BatchResult (rows in flow order, base first within a flow) with its summary.
    Raises RequestError/DatasetError for an unknown or invalid scenario, before any work.
    """
    # dask.distributed has no type hints: it is used through an Any-typed module.
    distributed: Any = importlib.import_module("dask.distributed")
    from daliz.scenarios.load import load_scenario, resolve_scenario
    from daliz.scenarios.model import Scenario
    from daliz.scenarios.variants import BASE, base_variant, scenario_variant

    options = options or BatchOptions()
    dataset_text = str(Path(dataset).resolve()) if dataset is not None else None
    # Parse and apply every scenario here first: an invalid one fails fast, with its errors.
    base = base_variant(dataset_text)
    parsed: list[Scenario] = []
    for text in scenarios:
        path = resolve_scenario(text)
        scenario = load_scenario(path)
        scenario_variant(base, scenario, str(path))
        if scenario.id not in [s.id for s in parsed]:
            parsed.append(scenario)
    names = [BASE, *(s.id for s in parsed)]
    specs: list[Any] = [None, *parsed]

    started = time.perf_counter()
    cluster = None
    if scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        )
        client = distributed.Client(cluster)
    else:
        client = distributed.Client(scheduler)
    try:
        worker_count = len(client.scheduler_info().get("workers", {})) or (workers or 1)
        client.run(_warm, dataset_text, parsed)
        cpu_before = sum(client.run(time.process_time).values())
        computing = time.perf_counter()
        size = chunk_size or chunk_size_for(len(flows), len(names), worker_count)
        chunks = _chunks(flows, size)
        futures = []
        for spec_index, spec in enumerate(specs):
            for chunk_index, chunk in enumerate(chunks):
                future = client.submit(
                    evaluate_chunk,
                    dataset_text,
                    spec,
                    list(chunk),
                    options,
                    pure=False,
                    key=f"daliz-batch-{spec_index}-{chunk_index}-{time.time_ns()}",
                )
                futures.append((future, spec_index, chunk_index))
        index_of = {f.key: (s, c) for f, s, c in futures}
        total = len(flows) * len(specs)
        done = 0
        results: dict[tuple[int, int], list[dict[str, Any]]] = {}
        if progress:
            progress(0, total)
        for future in distributed.as_completed([f for f, _, _ in futures]):
            rows = future.result()
            results[index_of[future.key]] = rows
            done += len(rows)
            if progress:
                progress(done, total)
        compute_seconds = time.perf_counter() - computing
        worker_cpu = sum(client.run(time.process_time).values()) - cpu_before
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    seconds = time.perf_counter() - started
    by_flow: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for spec_index in range(len(specs)):
        position = 0
        for chunk_index in range(len(chunks)):
            for row in results[(spec_index, chunk_index)]:
                by_flow[position].append(row)
                position += 1
    rows = [row for position in range(len(flows)) for row in by_flow[position]]
    result = BatchResult(rows, names, len(flows), seconds, worker_count)
    result.compute_seconds = compute_seconds
    result.worker_cpu_seconds = worker_cpu
    result.summary = summarise(rows, names)
    return result


# --------------------------------------------------------------------------- summary
def summarise(rows: Sequence[dict[str, Any]], scenarios: Sequence[str]) -> dict[str, Any]:
    """Corridor shares by commodity (by tonnes) per scenario, and what each scenario changes.

    Returns a JSON-ready dict: `shares[scenario][commodity][corridor]` = share of the
    commodity's tonnes routed on that corridor (failed flows left out), and
    `changes[scenario]` = flows whose best corridor changed against the base, flows that gained
    or lost a route, and the mean change of cost per tonne and of median days.
    """
    shares: dict[str, dict[str, dict[str, float]]] = {}
    for scenario in scenarios:
        tonnes: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
        for row in rows:
            if row["scenario"] == scenario and not row["error"]:
                tonnes[row["commodity"]][row["corridor"]] += row["tonnes"] or 0.0
        shares[scenario] = {
            commodity: {
                corridor: round(t / total, 4)
                for corridor, t in sorted(counter.items(), key=lambda item: -item[1])
                if (total := sum(counter.values())) > 0
            }
            for commodity, counter in sorted(tonnes.items())
        }
    base_rows = {row["flow_id"]: row for row in rows if row["scenario"] == scenarios[0]}
    changes: dict[str, dict[str, Any]] = {}
    for scenario in scenarios[1:]:
        changed = gained = lost = compared = 0
        d_cost: list[float] = []
        d_days: list[float] = []
        moves: Counter[str] = Counter()
        for row in rows:
            if row["scenario"] != scenario:
                continue
            before = base_rows.get(row["flow_id"])
            if before is None:
                continue
            compared += 1
            if before["error"] and not row["error"]:
                gained += 1
            elif row["error"] and not before["error"]:
                lost += 1
            elif not row["error"]:
                if row["corridor"] != before["corridor"]:
                    changed += 1
                    moves[f"{before['corridor']} → {row['corridor']}"] += 1
                d_cost.append(row["cost_usd_per_tonne"] - before["cost_usd_per_tonne"])
                median = row["days_p50"] if row["days_p50"] is not None else row["days"]
                median0 = before["days_p50"] if before["days_p50"] is not None else before["days"]
                d_days.append(median - median0)
        changes[scenario] = {
            "flows": compared,
            "corridor_changed": changed,
            "gained_a_route": gained,
            "lost_the_route": lost,
            "mean_delta_cost_usd_per_tonne": round(sum(d_cost) / len(d_cost), 2)
            if d_cost
            else None,
            "mean_delta_median_days": round(sum(d_days) / len(d_days), 2) if d_days else None,
            "main_moves": dict(moves.most_common(5)),
        }
    return {"shares": shares, "changes": changes}


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


def neutralise_formula(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula, prefixed with ' (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_rows(result: BatchResult, out: str | Path) -> Path:
    """Write the rows to `out`: Parquet for .parquet/.pq, else CSV.

    The file appears whole or not at all (written beside it, then renamed): an interrupted
    run leaves no partial output. In CSV, text cells starting with = + - @ are neutralised.
    """
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = result.frame()
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            frame.to_parquet(partial, index=False)
        else:
            from pandas.api.types import is_numeric_dtype

            text_columns = [c for c in frame.columns if not is_numeric_dtype(frame[c])]
            frame[text_columns] = frame[text_columns].map(neutralise_formula)
            frame.to_csv(partial, index=False)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
