"""Regression tests for the defects the hardening tests found (one test per fix)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_helpers import bearer

from daliz.trade import store
from daliz.trade.formats import TradeFormatError


def test_huge_dataset_id_is_a_422_not_a_500(client: TestClient, keys: dict[str, str]) -> None:
    """schemathesis: an id beyond the database's integer overflowed the driver (500)."""
    admin = bearer(keys["admin"])
    for method, path in (
        ("GET", "/api/v1/admin/datasets/{id}"),
        ("POST", "/api/v1/admin/datasets/{id}/validate"),
        ("POST", "/api/v1/admin/datasets/{id}/activate"),
    ):
        for value in ("99999999999999999999", "2147483648", "0", "-1"):
            answer = client.request(method, path.format(id=value), headers=admin)
            assert answer.status_code == 422, (method, path, value, answer.text)
            assert answer.json()["type"] == "urn:daliz:problem:invalid-request"
        assert (
            client.request(method, path.format(id="2147483647"), headers=admin).status_code == 404
        )


def test_trade_file_duckdb_cannot_read_is_a_clean_error(tmp_path: Path) -> None:
    """hypothesis: a quoted line break plus a short row made DuckDB raise its own error."""
    path = tmp_path / "x.csv"
    path.write_text(
        "year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source\n"
        "2023,1,KZ,PK,X,1001,1000,5000,kz-bns\n"
        '2023,2,KZ,PK,X,1001,"20\n00",9000,kz-bns\n'
        "2023,1\n",
        encoding="utf-8",
    )
    with store.connect(tmp_path / "t.duckdb") as con:
        with pytest.raises(TradeFormatError, match=r"x\.csv: cannot be imported"):
            store.import_file(con, path)
        assert store.scalar(con, "SELECT count(*) FROM trade_flow") == 0
        assert store.scalar(con, "SELECT count(*) FROM trade_import") == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("x.parquet", b"PAR1"),
        ("x.zip", b"PK\x03\x04garbage"),
        ("x.csv", b"PAR1\x00\x00"),
        ("x.csv", "\ufeff".encode()),  # a lone byte-order mark: IndexError before
    ],
)
def test_damaged_parquet_or_zip_trade_file_is_a_clean_error(
    tmp_path: Path, name: str, data: bytes
) -> None:
    """hypothesis: 4 bytes 'PAR1' made pyarrow raise ArrowInvalid; a damaged zip BadZipFile."""
    path = tmp_path / name
    path.write_bytes(data)
    with store.connect(tmp_path / "t.duckdb") as con:
        with pytest.raises(TradeFormatError, match=r"cannot read the file|no header line"):
            store.import_file(con, path)
        assert store.scalar(con, "SELECT count(*) FROM trade_import") == 0


def test_huge_offset_of_saved_plans_is_a_422_not_a_500(
    client: TestClient, keys: dict[str, str]
) -> None:
    """schemathesis: an offset beyond the database's integer overflowed the driver (500)."""
    viewer = bearer(keys["viewer"])
    huge = client.get("/api/v1/plans?offset=99999999999999999999", headers=viewer)
    assert huge.status_code == 422 and huge.json()["type"] == "urn:daliz:problem:invalid-request"
    assert client.get("/api/v1/plans?offset=2147483647", headers=viewer).status_code == 200
