"""On-disk cache of compiled graphs: one folder per (source file hash, region), arrays as .npy
files loaded memory-mapped, plus the CCH node order once computed.

Layout: <root>/<source name>-<sha256[:16]>/<region key>/{meta.json, *.npy}, where root is
$DALIZ_CACHE_DIR/roads, else $XDG_CACHE_HOME/daliz/roads, else ~/.cache/daliz/roads.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from daliz.errors import DalizError
from daliz.i18n import _
from daliz.roads.compile import CompiledGraph, compile_graph
from daliz.roads.model import BBox
from daliz.roads.source import GraphSource, read_graph

# Bump when the compiled layout or its meaning changes; older folders are then rebuilt.
FORMAT_VERSION = 1
ORDER_FILE = "cch_order.npy"


class RoadCacheError(DalizError):
    """The road graph cache folder cannot be written or read."""


def cache_root() -> Path:
    """The folder holding compiled road graphs (see the module docstring)."""
    env = os.environ.get("DALIZ_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "roads"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "daliz" / "roads"


def source_sha256(path: Path, root: Path) -> str:
    """SHA-256 of the source file, remembered by (path, size, mtime) so reloads skip hashing."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    index_file = root / "sources.json"
    index: dict[str, str] = {}
    try:
        loaded = json.loads(index_file.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            index = {str(k): str(v) for k, v in loaded.items()}
    except (OSError, ValueError):
        index = {}
    if key in index:
        return index[key]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    index[key] = digest.hexdigest()
    _write_atomic(index_file, json.dumps(index, indent=1, sort_keys=True).encode("utf-8"))
    return index[key]


def graph_dir(source: GraphSource, region: BBox | None, *, root: Path | None = None) -> Path:
    """The cache folder of this source file and region (the folder may not exist yet)."""
    base = root or cache_root()
    digest = source_sha256(source.path, base)
    return base / f"{source.name}-{digest[:16]}" / (region.key() if region else "all")


def load_or_compile(
    source: GraphSource, region: BBox | None, *, root: Path | None = None
) -> CompiledGraph:
    """Load the compiled graph memory-mapped, compiling and caching it first if needed."""
    base = root or cache_root()
    try:
        base.mkdir(parents=True, exist_ok=True)
        folder = graph_dir(source, region, root=base)
    except OSError as exc:
        raise RoadCacheError(
            _("Cannot use the road cache folder {folder}: {error}.").format(
                folder=base, error=exc.strerror or exc
            ),
            hint=_("Set DALIZ_CACHE_DIR to a writable folder."),
        ) from None
    graph = _load(folder)
    if graph is not None:
        return graph
    started = time.perf_counter()
    raw = read_graph(source)
    compiled = compile_graph(raw, region=region, file=str(source.path))
    del raw
    meta = {
        "format": FORMAT_VERSION,
        "source": source.name,
        "source_file": str(source.path),
        "source_sha256": folder.parent.name.rsplit("-", 1)[-1],
        "mode": source.mode,
        "attribution": source.attribution,
        "region": region.as_list() if region else None,
        "nodes": compiled.node_count,
        "arcs": compiled.arc_count,
        "compile_s": round(time.perf_counter() - started, 3),
    }
    _save(folder, compiled, meta)
    loaded = _load(folder)
    if loaded is None:  # pragma: no cover - only if the folder vanished right after writing
        raise RoadCacheError(
            _("The compiled road graph in {folder} could not be read back.").format(folder=folder)
        )
    return loaded


def _load(folder: Path) -> CompiledGraph | None:
    meta_file = folder / "meta.json"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        return None
    try:
        # np.asarray drops the np.memmap subclass (still file-backed): its per-operation
        # bookkeeping costs microseconds on every small indexing, which queries do often.
        arrays = {
            name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r"))
            for name in ("lat", "lon", "indptr", "head", "weight_m", "component", "source_node")
        }
    except (OSError, ValueError):
        return None
    meta["cache_dir"] = str(folder)
    return CompiledGraph(meta=meta, **arrays)


def _save(folder: Path, graph: CompiledGraph, meta: dict[str, Any]) -> None:
    """Write into a temporary sibling folder, then rename, so readers never see half a graph."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache may be shared by a team
        for name, array in graph.arrays().items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(array))
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        if folder.exists():  # an older format, or another process won the race
            old = folder.with_name(f".old-{folder.name}-{os.getpid()}")
            folder.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if (folder / "meta.json").is_file():
            return  # another process finished the same graph first
        raise RoadCacheError(
            _("Cannot write the compiled road graph to {folder}: {error}.").format(
                folder=folder, error=exc
            )
        ) from None


def load_order(folder: Path, node_count: int) -> npt.NDArray[np.int32] | None:
    """The cached CCH node order of this graph, or None if absent or not a permutation."""
    try:
        order = np.load(folder / ORDER_FILE, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if order.shape != (node_count,) or order.dtype != np.int32:
        return None
    return np.asarray(order)


def save_order(folder: Path, order: npt.NDArray[np.int32]) -> None:
    """Store the CCH node order beside the graph (atomically; failures only cost a recompute)."""
    fd, name = tempfile.mkstemp(prefix=".order-", suffix=".npy", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, order.astype(np.int32))
        os.chmod(name, 0o644)
        os.replace(name, folder / ORDER_FILE)
    except OSError:
        Path(name).unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(name, 0o644)
        os.replace(name, path)
    except OSError:
        Path(name).unlink(missing_ok=True)
        raise
