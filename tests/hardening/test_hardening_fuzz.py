"""Hypothesis fuzzing of every loader: only clean daliz errors, never a crash, never half a load.

Each loader is fed mutations of a valid input (a cell of a dataset CSV, a field of a scenario,
an agreement, a trade file's rows, a plan request's fields). Accepted outcomes: a loaded object,
or a DalizError subclass (DatasetError with problems naming file/row/field, RequestError,
NoRouteError, TradeFormatError …). Anything else — KeyError, ValueError, RecursionError … —
escapes to the user as a traceback and fails the test. Loads are all-or-nothing: a refused
trade file leaves the store unchanged.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from service_helpers import MINI

from daliz.errors import DalizError, DatasetError, NoRouteError, RequestError
from daliz.network import Network, load_network
from daliz.planning.planner import plan, request_from_fields
from daliz.rules.load import load_rules
from daliz.scenarios.load import load_scenario, parse_scenario
from daliz.scenarios.variants import base_variant, scenario_variant
from daliz.trade import store

pytestmark = pytest.mark.slow  # about a minute together; CI runs it (-m "")
MINI_RAIL = Path(__file__).resolve().parents[1] / "scenarios" / "data" / "mini-rail.yaml"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cell values that have broken parsers before: numbers at the edges, text where numbers go,
# separators, quotes, control characters, other scripts, formulas.
EDGE_CELLS = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e309",
        "-1e309",
        "nan",
        "inf",
        "NaN",
        "1,5",
        "1.2.3",
        "99999999999",
        "2027-02-30",
        "2027-13-01",
        "yes",
        "true",
        "none",
        "null",
        "'",
        '"',
        '""',
        ";",
        ";;",
        "a;b;c",
        "\t",
        "\x00",
        "é",
        "Қостанай",
        "کراچی",
        "=1+1",
        "@SUM(A1)",
        "-",
        "+",
        "../x",
        "min",
        "0.0000001",
        "1" * 400,
    ]
)
CELLS = st.one_of(EDGE_CELLS, st.text(max_size=30), st.floats().map(repr), st.integers().map(str))


def csv_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.csv") if p.is_file())


def mutate_cell(path: Path, row_pick: int, column_pick: int, value: str) -> None:
    """Replace one cell of a CSV file (header included) with `value`, quoted as CSV."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = rows[row_pick % len(rows)]
    if not row:
        return
    row[column_pick % len(row)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="daliz-fuzz-") as tmp:
        yield Path(tmp)


_counter = iter(range(10**9))


def fresh_copy(scratch: Path) -> Path:
    """A new copy of the mini dataset (a new path: the loader's cache cannot answer)."""
    target = scratch / f"mini-{next(_counter)}"
    shutil.copytree(MINI, target)
    return target


def check_dataset_error(exc: DatasetError) -> None:
    assert exc.problems, "a DatasetError without problems tells the user nothing"
    for problem in exc.problems:
        assert problem.file and problem.message


# --------------------------------------------------------------------------- network datasets
@FUZZ
@given(
    file_pick=st.integers(0, 10**6),
    row_pick=st.integers(0, 10**6),
    column_pick=st.integers(0, 10**6),
    value=CELLS,
)
def test_network_loader_on_mutated_cells(
    scratch: Path, file_pick: int, row_pick: int, column_pick: int, value: str
) -> None:
    directory = fresh_copy(scratch)
    files = csv_files(directory)
    mutate_cell(files[file_pick % len(files)], row_pick, column_pick, value)
    try:
        network = load_network(directory)
    except DatasetError as exc:
        check_dataset_error(exc)
    except DalizError:
        pass
    else:
        assert isinstance(network, Network)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@FUZZ
@given(
    file_pick=st.integers(0, 10**6),
    row_pick=st.integers(0, 10**6),
    drop_or_duplicate=st.booleans(),
)
def test_network_loader_on_dropped_or_duplicated_rows(
    scratch: Path, file_pick: int, row_pick: int, drop_or_duplicate: bool
) -> None:
    directory = fresh_copy(scratch)
    files = csv_files(directory)
    path = files[file_pick % len(files)]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = row_pick % len(lines)
    if drop_or_duplicate:
        del lines[index]
    else:
        lines.insert(index, lines[index])
    path.write_text("".join(lines), encoding="utf-8")
    try:
        load_network(directory)
    except DatasetError as exc:
        check_dataset_error(exc)
    except DalizError:
        pass
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# --------------------------------------------------------------------------- rules files
YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=12,
)


@FUZZ
@given(entry_pick=st.integers(0, 10**6), key_pick=st.integers(0, 10**6), value=YAML_VALUES)
def test_rules_loader_on_mutated_agreements(
    scratch: Path, entry_pick: int, key_pick: int, value: Any
) -> None:
    directory = fresh_copy(scratch)
    path = directory / "agreements.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("agreements") or []
    if entries:
        entry = entries[entry_pick % len(entries)]
        keys = sorted(entry)
        entry[keys[key_pick % len(keys)]] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_rules([directory])
    except DatasetError as exc:
        check_dataset_error(exc)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@FUZZ
@given(
    name=st.sampled_from(["commodities.csv", "requirements.csv", "sources.csv"]),
    row_pick=st.integers(0, 10**6),
    column_pick=st.integers(0, 10**6),
    value=CELLS,
)
def test_rules_loader_on_mutated_cells(
    scratch: Path, name: str, row_pick: int, column_pick: int, value: str
) -> None:
    directory = fresh_copy(scratch)
    mutate_cell(directory / name, row_pick, column_pick, value)
    try:
        load_rules([directory])
    except DatasetError as exc:
        check_dataset_error(exc)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# --------------------------------------------------------------------------- scenarios
def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*prefix, index))
    return out


@pytest.fixture(scope="module")
def mini_base() -> Any:
    return base_variant(str(MINI))


@FUZZ
@given(path_pick=st.integers(0, 10**6), value=YAML_VALUES)
def test_scenario_loader_and_apply_on_mutated_fields(
    mini_base: Any, path_pick: int, value: Any
) -> None:
    data = yaml.safe_load(MINI_RAIL.read_text(encoding="utf-8"))
    paths = _paths(data)[1:]
    target = paths[path_pick % len(paths)]
    mutated = copy.deepcopy(data)
    holder = mutated
    for step in target[:-1]:
        holder = holder[step]
    holder[target[-1]] = value
    try:
        scenario = parse_scenario(mutated, "fuzz.yaml")
        variant = scenario_variant(mini_base, scenario, "fuzz.yaml")
    except DatasetError as exc:
        check_dataset_error(exc)
    except (RequestError, DalizError):
        pass
    else:
        assert variant.network is not mini_base.network  # a new network, the base untouched


@FUZZ
@given(text=st.text(max_size=300))
def test_scenario_loader_on_arbitrary_text(scratch: Path, text: str) -> None:
    path = scratch / f"s-{next(_counter)}.yaml"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(DalizError):
        load_scenario(path)


# --------------------------------------------------------------------------- trade files
TRADE_HEADER = "year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source"
TRADE_GOOD = "2023,1,KZ,PK,X,1001,1000,5000,kz-bns"


@pytest.fixture(scope="module")
def trade_db(scratch: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.connect(scratch / "fuzz.duckdb") as con:
        yield con


def trade_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    return (
        int(store.scalar(con, "SELECT count(*) FROM trade_flow")),
        int(store.scalar(con, "SELECT count(*) FROM trade_import")),
    )


@FUZZ
@given(
    rows=st.lists(st.lists(CELLS, min_size=9, max_size=9), min_size=1, max_size=5),
    strict=st.booleans(),
)
def test_trade_import_on_fuzzed_rows(
    trade_db: duckdb.DuckDBPyConnection, scratch: Path, rows: list[list[str]], strict: bool
) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TRADE_HEADER.split(","))
    writer.writerow(TRADE_GOOD.split(","))
    writer.writerows(rows)
    path = scratch / f"t-{next(_counter)}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    before = trade_counts(trade_db)
    try:
        result = store.import_file(trade_db, path, strict=strict)
    except DalizError:
        assert trade_counts(trade_db) == before, "a refused file changed the store"
    else:
        flows, imports = trade_counts(trade_db)
        assert imports in (before[1], before[1] + 1)
        assert flows - before[0] in (result.rows_added, result.rows_added - result.rows_revised)


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".json", ".gz", ".zip"]))
def test_trade_import_on_arbitrary_bytes(
    trade_db: duckdb.DuckDBPyConnection, scratch: Path, data: bytes, suffix: str
) -> None:
    path = scratch / f"b-{next(_counter)}{suffix}"
    path.write_bytes(data)
    before = trade_counts(trade_db)
    try:
        store.import_file(trade_db, path)
    except DalizError:
        assert trade_counts(trade_db) == before


# --------------------------------------------------------------------------- plan requests
PLACES = st.sampled_from(
    ["Shymkent", "Karachi", "Peshawar", "Tashkent", "kz-shymkent", "Шымкент", "24.86,67.0"]
)


@pytest.fixture(scope="module")
def mini_network() -> Network:
    return load_network(MINI)


PLANNED: list[int] = []  # how many fuzzed requests got as far as a plan (checked below)


@FUZZ
@given(
    # Mostly plausible values (so the planner runs), sometimes anything.
    origin=st.one_of(PLACES, PLACES, PLACES, st.text(max_size=20)),
    destination=st.one_of(PLACES, PLACES, PLACES, st.text(max_size=20)),
    commodity=st.one_of(
        st.sampled_from(["wheat", "medicines", "1001", "10", "citrus"]), st.text(max_size=8)
    ),
    tonnes=st.one_of(st.floats(0.01, 5000), st.floats(0.01, 5000), st.floats(), st.none()),
    unit=st.one_of(st.none(), st.none(), st.sampled_from(["teu", "feu", "wagon", "x"])),
    count=st.one_of(st.none(), st.none(), st.none(), st.integers(-2, 10**6)),
    cargo_type=st.one_of(st.none(), st.sampled_from(["bulk", "reefer", "dangerous", "x"])),
    date=st.one_of(
        st.none(),
        st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)).map(str),
        st.text(max_size=10),
    ),
    avoid_countries=st.lists(st.sampled_from(["AF", "IR", "CN", "PK", "XX", "a"]), max_size=2),
    avoid_modes=st.lists(st.sampled_from(["road", "rail", "sea", "ferry", "air"]), max_size=2),
    max_days=st.one_of(st.none(), st.none(), st.floats(-1, 1e6)),
    max_alternatives=st.one_of(st.integers(1, 10), st.integers(1, 10), st.integers(-1, 25)),
    draws=st.one_of(st.integers(0, 300), st.integers(0, 300), st.integers(-1, 300)),
)
def test_plan_requests(mini_network: Network, **fields: Any) -> None:
    fields = {k: v for k, v in fields.items() if v is not None}
    try:
        request = request_from_fields(**fields)
    except RequestError:
        return
    assume(request.draws <= 300)
    try:
        result = plan(request, network=mini_network)
    except (RequestError, NoRouteError, DalizError):
        PLANNED.append(0)
        return
    PLANNED.append(1)
    assert result.alternatives, "a plan without an error has at least one alternative"


PLAUSIBLE_PLACES = ["Shymkent", "Karachi", "Peshawar", "Tashkent", "kz-shymkent", "24.86,67.0"]


@FUZZ
@given(
    pair=st.permutations(PLAUSIBLE_PLACES).map(lambda p: p[:2]),
    commodity=st.sampled_from(["wheat", "medicines", "1001", "10", "citrus", "0805"]),
    tonnes=st.floats(0.001, 1_000_000),
    cargo_type=st.one_of(st.none(), st.sampled_from(["bulk", "bagged", "container", "reefer"])),
    date=st.dates(dt.date(2026, 1, 1), dt.date(2030, 1, 1)),
    objective=st.sampled_from(["cheapest", "fastest", "greenest", "balanced", "reliable"]),
    avoid_countries=st.lists(st.sampled_from(["AF", "IR", "CN", "UZ", "KG"]), max_size=2),
    avoid_modes=st.lists(st.sampled_from(["road", "rail", "sea", "ferry"]), max_size=2),
    max_days=st.one_of(st.none(), st.floats(0.5, 200)),
    max_alternatives=st.integers(1, 10),
    draws=st.integers(0, 300),
    include_blocked=st.booleans(),
)
def test_planner_on_plausible_requests(
    mini_network: Network, pair: list[str], **fields: Any
) -> None:
    """Requests that pass validation, so every example runs the planner."""
    fields = {k: v for k, v in fields.items() if v is not None}
    request = request_from_fields(origin=pair[0], destination=pair[1], **fields)
    try:
        result = plan(request, network=mini_network)
    except (RequestError, NoRouteError, DalizError):
        PLANNED.append(0)
        return
    PLANNED.append(1)
    assert result.alternatives, "a plan without an error has at least one alternative"


def test_plan_fuzzing_reached_the_planner() -> None:
    """The properties above are only worth something if requests got through validation."""
    if not PLANNED:
        pytest.skip("run together with test_planner_on_plausible_requests")
    assert len(PLANNED) >= 30 and sum(PLANNED) >= 10, PLANNED
