"""Datasets the service serves: the built-in one, uploaded archives, activation and rollback.

The database is the source of truth: uploaded archives are stored in it (so every worker and
host sees the same ones) and unpacked on demand into `<data_dir>/datasets/<sha256>/`. The
served dataset is the newest row of `activations`; each process reloads when that changes.
An upload is unpacked with strict checks (no absolute paths, no `..`, no links, bounded size
and file count, only data file types) before the validator reads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import math
import os
import shutil
import stat
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from daliz.costs.pricing import price_arcs
from daliz.costs.shipment import CargoType, Shipment
from daliz.errors import DalizError, DatasetError, Problem
from daliz.i18n import gettext_ as _
from daliz.network import Network, load_network
from daliz.planning import planning_context
from daliz.routing.search import warm_up as warm_up_search
from daliz.service.db import transaction
from daliz.service.models import Activation, DatasetRecord, utcnow
from daliz.service.problems import ServiceError
from daliz.service.settings import Settings

log = logging.getLogger("daliz.service")

BUILTIN_DEFAULT = "default"  # `path` of the record of the dataset bundled with daliz
ALLOWED_SUFFIXES = frozenset({".csv", ".yaml", ".yml", ".geojson", ".json", ".md", ".txt"})
_CHUNK = 1 << 16


@dataclass(frozen=True)
class UnpackLimits:
    """Bounds on an uploaded archive."""

    max_unpacked_bytes: int
    max_files: int


def _problem(message: str, file: str = "archive") -> Problem:
    return Problem(file, None, None, message)


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath | str:
    """The safe relative path of an archive member, or the reason it is refused."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts) or not path.parts:
        return "path leaves the dataset directory"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "symbolic links are not allowed"
    if any(ord(ch) < 32 for ch in name):
        return "control characters in the name"
    return path


def unpack_archive(data: bytes, target: Path, limits: UnpackLimits) -> list[Problem]:
    """Unpack a zip archive of a dataset into `target` (created); every refusal as a problem.

    When the archive holds a single top folder, its content becomes the dataset root.
    Nothing is written when any problem is found.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return [_problem("not a zip archive (upload the dataset directory as .zip)")]
    problems: list[Problem] = []
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    declared = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_files:
            return [_problem(f"{len(infos)} entries; at most {limits.max_files} are allowed")]
        for info in infos:
            checked = _member_path(info)
            if isinstance(checked, str):
                problems.append(_problem(checked, info.filename[:200]))
                continue
            if info.is_dir():
                continue
            if checked.suffix.lower() not in ALLOWED_SUFFIXES:
                problems.append(
                    _problem(
                        "file type not allowed in a dataset (allowed: "
                        + ", ".join(sorted(ALLOWED_SUFFIXES))
                        + ")",
                        str(checked),
                    )
                )
                continue
            if info.flag_bits & 0x1:
                problems.append(_problem("encrypted entries are not supported", str(checked)))
                continue
            declared += info.file_size
            members.append((info, checked))
        if declared > limits.max_unpacked_bytes:
            problems.append(
                _problem(
                    f"unpacks to {declared} bytes; at most {limits.max_unpacked_bytes} allowed"
                )
            )
        if problems:
            return problems
        if not members:
            return [_problem("the archive holds no dataset files")]
        tops = {m[1].parts[0] for m in members}
        strip = (
            len(tops) == 1
            and all(len(m[1].parts) > 1 for m in members)
            and not any(m[1].as_posix() == "dataset.yaml" for m in members)
        )
        staging = target.parent / f".unpack-{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        written = 0
        try:
            for info, path in members:
                relative = PurePosixPath(*path.parts[1:]) if strip else path
                destination = staging.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                # Count real bytes: a member's declared size can lie (zip bombs).
                with archive.open(info) as source, destination.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        if written > limits.max_unpacked_bytes:
                            raise _TooLarge
                        out.write(chunk)
        except _TooLarge:
            shutil.rmtree(staging, ignore_errors=True)
            return [_problem(f"unpacks to more than {limits.max_unpacked_bytes} bytes (allowed)")]
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            return [_problem(f"the archive is damaged: {exc}")]
    problems = _check_meta(staging)
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        return problems
    try:
        os.replace(staging, target)
    except OSError:  # another worker unpacked the same archive first
        shutil.rmtree(staging, ignore_errors=True)
        if not target.is_dir():
            raise
    return []


class _TooLarge(Exception):
    pass


def _check_meta(root: Path) -> list[Problem]:
    """dataset.yaml must exist; an overlay may only stack on the bundled default."""
    meta_path = root / "dataset.yaml"
    if not meta_path.is_file():
        return [_problem("dataset.yaml is missing at the top of the archive", "dataset.yaml")]
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [_problem(f"not valid YAML: {str(exc)[:300]}", "dataset.yaml")]
    except RecursionError:  # e.g. 10,000 nested brackets
        return [_problem("nested too deeply to be read", "dataset.yaml")]
    if meta is None:
        return []
    if not isinstance(meta, dict):
        return [_problem("must be a mapping of key: value", "dataset.yaml")]
    base = meta.get("base")
    if base is not None and str(base) != BUILTIN_DEFAULT:
        return [
            Problem(
                "dataset.yaml",
                None,
                "base",
                f"an uploaded dataset may only stack on 'default', not {str(base)[:100]!r}",
            )
        ]
    return []


def _relative(problems: list[Problem], root: Path) -> list[dict[str, Any]]:
    """Problems as JSON, file names relative to the dataset root (no server paths)."""
    prefixes = [str(root) + os.sep, str(root)]
    out = []
    for p in problems:
        file = p.file
        for prefix in prefixes:
            if file.startswith(prefix):
                file = file[len(prefix) :] or "."
                break
        out.append({"file": file, "row": p.row, "field": p.field, "message": p.message})
    return out


@dataclass(frozen=True)
class Served:
    """The dataset this process serves now."""

    activation_id: int
    record_id: int
    network: Network


class DatasetManager:
    """Registers, validates, activates and loads datasets for one service process."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self._lock = threading.Lock()
        self._served: Served | None = None
        self._confirmed_at = -math.inf  # time.monotonic() of the last check of the database
        self._checks = 0  # checks of the database under way (in threads)
        self._checks_lock = threading.Lock()

    # ------------------------------------------------------------------ directories
    def directory(self, record: DatasetRecord) -> str:
        """The directory to load a record from (unpacking an upload when needed)."""
        if record.kind == "builtin":
            return record.path or BUILTIN_DEFAULT
        digest = record.archive_sha256 or ""
        target = self.settings.dataset_cache_dir() / digest
        if not target.is_dir():
            with self.sessions() as session:
                data = session.scalar(
                    select(DatasetRecord.archive).where(DatasetRecord.id == record.id)
                )
            if data is None:
                raise ServiceError(503, "dataset-unavailable", _("The archive is missing."))
            problems = unpack_archive(data, target, self._limits())
            if problems:
                raise ServiceError(
                    503,
                    "dataset-unavailable",
                    _("The stored archive of dataset {id} no longer unpacks.").format(id=record.id),
                )
        return str(target)

    def _limits(self) -> UnpackLimits:
        return UnpackLimits(self.settings.max_unpacked_bytes, self.settings.max_archive_files)

    # ------------------------------------------------------------------ validation
    def _validate(self, record: DatasetRecord, directory: str) -> Network | None:
        """Load `directory` and store the outcome on `record`; the network when valid."""
        record.validated_at = utcnow()
        try:
            network = load_network(directory)
        except DatasetError as exc:
            record.status, record.problems = "invalid", _relative(exc.problems, Path(directory))
            return None
        except DalizError as exc:
            record.status = "invalid"
            record.problems = [{"file": ".", "row": None, "field": None, "message": exc.message}]
            return None
        record.status, record.problems = "valid", []
        record.name, record.version = network.info.name[:100], network.info.version[:100]
        record.title, record.content_hash = network.info.title[:300], network.info.content_hash
        return network

    # ------------------------------------------------------------------ start-up
    def startup(self) -> None:
        """Register the configured dataset; activate it if given explicitly or if none is."""
        explicit = self.settings.dataset is not None
        path = (
            str(Path(self.settings.dataset).expanduser().resolve())
            if self.settings.dataset and self.settings.dataset != BUILTIN_DEFAULT
            else BUILTIN_DEFAULT
        )
        with transaction(self.sessions) as session:
            record = session.scalar(
                select(DatasetRecord)
                .where(DatasetRecord.kind == "builtin", DatasetRecord.path == path)
                .order_by(DatasetRecord.id.desc())
            )
            if record is None:
                record = DatasetRecord(
                    kind="builtin", status="invalid", path=path, problems=[], note=""
                )
                session.add(record)
            network = self._validate(record, path)
            session.flush()
            current = self._current_activation(session)
            wanted = network is not None and (
                current is None or (explicit and current.dataset_id != record.id)
            )
            if wanted:
                session.add(
                    Activation(
                        dataset_id=record.id,
                        previous_id=current.id if current else None,
                        action="startup",
                    )
                )
        if network is None:
            log.warning(
                "dataset %s is not valid (%d problems); see /api/v1/admin/datasets",
                path,
                len(record.problems),
            )

    @staticmethod
    def _current_activation(session: Session) -> Activation | None:
        return session.scalar(select(Activation).order_by(Activation.id.desc()).limit(1))

    # ------------------------------------------------------------------ serving
    def served_recently(self) -> Served | None:
        """The served dataset if the database confirmed it within `dataset_recheck_s`, else None.

        Reads no database, so the event loop may call it: a busy server asks the database
        which dataset is active at most once per `dataset_recheck_s` instead of once per
        request, and only one request asks at a time. Activations made by this process are seen
        at once; by another worker or process, within `dataset_recheck_s` (plus one check).
        """
        served = self._served
        if served is None:
            return None
        if time.monotonic() - self._confirmed_at < self.settings.dataset_recheck_s:
            return served
        # One check at a time: while it runs (milliseconds), the others keep what is served
        # (measured: a busy worker otherwise sent ~5 % of its CPU to redundant checks).
        return served if self._checks else None

    @contextlib.contextmanager
    def check_under_way(self) -> Iterator[None]:
        """Mark a check of the database as under way (see `served_recently`). The event loop
        marks it before handing the check to a thread: marked only once the thread ran, the
        requests arriving meanwhile each started a check of their own."""
        with self._checks_lock:
            self._checks += 1
        try:
            yield
        finally:
            with self._checks_lock:
                self._checks -= 1

    def served(self) -> Served:
        """The active dataset, loaded (and compiled) once per activation in this process."""
        with self.check_under_way():
            return self._served_now()

    def _served_now(self) -> Served:
        try:
            with self.sessions() as session:
                checked_at = time.monotonic()
                current = self._current_activation(session)
                if current is None:
                    raise self._unavailable(session)
                served = self._served
                if served is not None and served.activation_id == current.id:
                    self._confirmed_at = checked_at
                    return served
                record = session.get(DatasetRecord, current.dataset_id)
                assert record is not None
        except SQLAlchemyError:
            # Planning needs no database: keep serving what is loaded while it is away.
            if self._served is not None:
                return self._served
            raise
        with self._lock:
            served = self._served
            if served is not None and served.activation_id == current.id:
                return served
            try:
                network = load_network(self.directory(record))
            except DalizError as exc:
                raise ServiceError(
                    503,
                    "dataset-unavailable",
                    _("The active dataset {name} cannot be loaded: {error}").format(
                        name=record.name or record.id, error=exc.message.splitlines()[0]
                    ),
                    hint=_("An admin can activate another dataset or roll back."),
                ) from None
            self._served = Served(current.id, record.id, network)
            self._confirmed_at = checked_at
            return self._served

    def network(self) -> Network:
        """The network served now (503 problem when there is none)."""
        return self.served().network

    def warm_up(self) -> None:
        """Load and compile the active dataset and the search now, so the first plan is fast."""
        try:
            compiled = planning_context(network=self.network()).compiled
            shipment = Shipment(tonnes=1.0, cargo_type=CargoType.BULK)
            warm_up_search(compiled, price_arcs(compiled, shipment))
            from daliz.reliability.selection import warm_up as warm_up_selection  # numba

            warm_up_selection()
        except DalizError as exc:
            log.warning("no dataset to warm up: %s", exc.message.splitlines()[0])

    def _unavailable(self, session: Session) -> ServiceError:
        latest = session.scalar(select(DatasetRecord).order_by(DatasetRecord.id.desc()))
        count = len(latest.problems) if latest else 0
        return ServiceError(
            503,
            "dataset-unavailable",
            _("No valid dataset is active; the configured one has {count} problems.").format(
                count=count
            ),
            hint=_("An admin can see them at /api/v1/admin/datasets and upload a valid one."),
        )

    # ------------------------------------------------------------------ admin
    def records(self) -> list[tuple[DatasetRecord, bool]]:
        """Every dataset record, newest first, with whether it is active."""
        with self.sessions() as session:
            current = self._current_activation(session)
            records = list(session.scalars(select(DatasetRecord).order_by(DatasetRecord.id.desc())))
        active = current.dataset_id if current else None
        return [(r, r.id == active) for r in records]

    def record(self, dataset_id: int) -> tuple[DatasetRecord, bool]:
        """One record and whether it is active (404 problem when unknown)."""
        with self.sessions() as session:
            record = session.get(DatasetRecord, dataset_id)
            current = self._current_activation(session)
        if record is None:
            raise ServiceError(
                404, "not-found", _("No dataset with id {id}.").format(id=dataset_id)
            )
        return record, bool(current and current.dataset_id == record.id)

    def upload(
        self, data: bytes, filename: str, note: str, user_id: int | None
    ) -> tuple[DatasetRecord, bool]:
        """Store and validate an uploaded archive; (record, created). Same bytes: same record.

        Raises a 422 problem (nothing stored) when the archive itself is refused.
        """
        if len(data) > self.settings.max_upload_bytes:
            raise ServiceError(
                413,
                "body-too-large",
                _("The archive has {size} bytes; at most {limit} are accepted.").format(
                    size=len(data), limit=self.settings.max_upload_bytes
                ),
            )
        digest = hashlib.sha256(data).hexdigest()
        with self.sessions() as session:
            existing = session.scalar(
                select(DatasetRecord).where(DatasetRecord.archive_sha256 == digest)
            )
        if existing is not None:
            return existing, False
        target = self.settings.dataset_cache_dir() / digest
        if not target.is_dir():
            problems = unpack_archive(data, target, self._limits())
            if problems:
                raise ServiceError(
                    422,
                    "invalid-dataset",
                    _("The archive was refused: {first}").format(first=problems[0]),
                    extra={"problems": _relative(problems, target)},
                )
        record = DatasetRecord(
            kind="upload",
            status="invalid",
            archive=data,
            archive_sha256=digest,
            size_bytes=len(data),
            filename=filename[:255],
            note=note[:2000],
            uploaded_by=user_id,
            problems=[],
        )
        self._validate(record, str(target))
        with transaction(self.sessions) as session:
            session.add(record)
        return record, True

    def revalidate(self, dataset_id: int) -> DatasetRecord:
        """Validate a record again (e.g. after daliz was upgraded) and store the outcome."""
        record, _active = self.record(dataset_id)
        directory = self.directory(record)
        with transaction(self.sessions) as session:
            record = session.merge(record)
            self._validate(record, directory)
        return record

    def activate(self, dataset_id: int, user_id: int | None) -> Activation:
        """Serve this dataset from now on (it must validate); the old one stays for rollback."""
        record, active = self.record(dataset_id)
        if active:
            raise ServiceError(
                409, "conflict", _("Dataset {id} is already active.").format(id=dataset_id)
            )
        directory = self.directory(record)
        with transaction(self.sessions) as session:
            record = session.merge(record)
            network = self._validate(record, directory)
            if network is None:
                problems = list(record.problems)
                raise ServiceError(
                    409,
                    "conflict",
                    _(
                        "Dataset {id} is not valid ({count} problems); it cannot be activated."
                    ).format(id=dataset_id, count=len(problems)),
                    extra={"problems": problems},
                )
        planning_context(network=network)  # compile before switching: no slow first plan
        with transaction(self.sessions) as session:
            current = self._current_activation(session)
            activation = Activation(
                dataset_id=dataset_id,
                previous_id=current.id if current else None,
                action="activate",
                activated_by=user_id,
            )
            session.add(activation)
        self._confirmed_at = -math.inf
        return activation

    def rollback(self, user_id: int | None) -> Activation:
        """Serve again the dataset that was active before the current one."""
        with self.sessions() as session:
            current = self._current_activation(session)
            previous = (
                session.get(Activation, current.previous_id)
                if current is not None and current.previous_id is not None
                else None
            )
        if current is None or previous is None:
            raise ServiceError(409, "conflict", _("There is no earlier dataset to roll back to."))
        record, _active = self.record(previous.dataset_id)
        directory = self.directory(record)
        with transaction(self.sessions) as session:
            record = session.merge(record)
            network = self._validate(record, directory)
            if network is None:
                raise ServiceError(
                    409,
                    "conflict",
                    _("The earlier dataset {id} no longer validates; activate another.").format(
                        id=record.id
                    ),
                    extra={"problems": list(record.problems)},
                )
        planning_context(network=network)
        with transaction(self.sessions) as session:
            latest = self._current_activation(session)
            if latest is None or latest.id != current.id:
                raise ServiceError(
                    409, "conflict", _("The dataset was switched meanwhile; try again.")
                )
            activation = Activation(
                dataset_id=previous.dataset_id,
                previous_id=previous.previous_id,
                action="rollback",
                activated_by=user_id,
            )
            session.add(activation)
        self._confirmed_at = -math.inf
        return activation

    def history(self, limit: int) -> list[Activation]:
        """The newest activations first."""
        with self.sessions() as session:
            return list(
                session.scalars(select(Activation).order_by(Activation.id.desc()).limit(limit))
            )
