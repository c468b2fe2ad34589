"""Every plan carries its legal rules; changing an agreement's status changes what is blocked."""

from __future__ import annotations

from pathlib import Path

import yaml

from daliz.planning import plan

MINI = Path("tests/fixtures/mini")


def wheat(dataset: Path, **extra: object):  # type: ignore[no-untyped-def]
    return plan(
        origin="Shymkent",
        destination="Karachi",
        commodity="wheat",
        tonnes=500,
        date="2027-03-01",
        dataset=str(dataset),
        draws=0,
        **extra,
    )


def test_every_alternative_has_regimes_documents_and_warnings() -> None:
    for alt in wheat(MINI).alternatives:
        assert alt.rules is not None
        assert alt.rules["regimes"] and alt.rules["documents"]
        documents = [d["document"] for items in alt.rules["documents"].values() for d in items]
        assert any("Phytosanitary" in d for d in documents)  # wheat is a plant product
    road = next(a for a in wheat(MINI).alternatives if a.corridor.endswith("road via Torkham"))
    assert any("TIR" in r["regimes"] for r in road.rules["regimes"])  # type: ignore[index]


def suspend(tmp_path: Path, *ids: str) -> Path:
    """An overlay of the mini dataset in which these agreements are suspended from 2026."""
    register = yaml.safe_load((MINI / "agreements.yaml").read_text(encoding="utf-8"))
    patched = []
    for entry in register["agreements"]:
        if entry["id"] in ids:
            history = list(entry["history"])
            history.append(
                {
                    "status": "suspended",
                    "date": "2026-01-01",
                    "source": history[-1]["source"],
                    "note": "test suspension",
                }
            )
            patched.append({"id": entry["id"], "patch": True, "history": history})
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "dataset.yaml").write_text(f"name: suspended\nversion: t\nbase: {MINI.resolve()}\n")
    (overlay / "agreements.yaml").write_text(
        yaml.safe_dump({"agreements": patched}), encoding="utf-8"
    )
    return overlay


def test_suspending_agreements_blocks_routes(tmp_path: Path) -> None:
    before = {a.corridor: a.blocked for a in wheat(MINI).alternatives}
    assert not any(before.values())
    overlay = suspend(tmp_path, "smgs")
    after = wheat(overlay, include_blocked=True)
    blocked = {a.corridor: a.blocked for a in after.alternatives}
    # Rail KZ→UZ→AF has no other convention; the Iran line is still covered by ECO's TTFA.
    assert blocked == {
        "Uzbekistan rail to Mazar-i-Sharif, then road via Torkham": True,
        "Uzbekistan–Afghanistan road via Torkham": False,
        "Turkmenistan–Iran rail + sea": False,
    }
    road = next(a for a in after.alternatives if a.blocked)
    assert any("rail" in b["message"] for b in road.rules["blockers"])  # type: ignore[index]
    # By default blocked routes are not offered.
    shown = {a.corridor for a in wheat(overlay).alternatives}
    assert shown == {"Uzbekistan–Afghanistan road via Torkham", "Turkmenistan–Iran rail + sea"}


def test_rules_chain_uses_planned_corridors() -> None:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "DALIZ_DATASET": str(MINI)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "daliz",
            "rules",
            "chain",
            "--commodity",
            "wheat",
            "--from",
            "Shymkent",
            "--to",
            "Karachi",
            "--date",
            "2027-03-01",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert "planner" in report["note"]
    names = {c["corridor"] for c in report["corridors"]}
    assert "Turkmenistan–Iran rail + sea" in names
