"""`daliz serve` (the web service and page) and `daliz users` (API keys and roles)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from daliz.i18n import N_, _, format_datetime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

console = Console(soft_wrap=True)
users_app = typer.Typer(
    help=N_("API keys: add (prints the key once), list and revoke users."), no_args_is_help=True
)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="DALIZ_DATABASE_URL",
        help=N_("SQLAlchemy URL (default: sqlite file in the user data directory)."),
        show_default=False,
    ),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="DALIZ_DATA_DIR",
        help=N_(
            "Directory of the SQLite file and unpacked datasets (default ~/.local/share/daliz)."
        ),
        show_default=False,
    ),
]


def serve(
    host: Annotated[str | None, typer.Option(help=N_("Address to listen on."))] = None,
    port: Annotated[int | None, typer.Option(help=N_("TCP port."))] = None,
    dataset: Annotated[
        Path | None,
        typer.Option(
            "--dataset",
            envvar="DALIZ_DATASET",
            help=N_("Dataset directory to serve (activated at start; default: the bundled one)."),
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
    anonymous: Annotated[
        str | None,
        typer.Option(help=N_("What requests without a key may do: 'read' (default) or 'none'.")),
    ] = None,
    workers: Annotated[
        int, typer.Option(help=N_("Worker processes (each loads the dataset)."))
    ] = 1,
) -> None:
    """Serve the JSON API and the map page (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from daliz.service.settings import Settings

    settings = Settings.from_env(
        host=host,
        port=port,
        dataset=str(dataset) if dataset is not None else None,
        database_url=database_url,
        data_dir=data_dir,
        anonymous=anonymous,
    )
    if workers > 1:
        # Workers import the app themselves; they read the same settings from the environment.
        import os
        import tempfile

        from daliz.service.balance import create_board

        for name, value in settings.model_dump(exclude_none=True).items():
            os.environ[f"DALIZ_{name.upper()}"] = str(value)
        prepare_service()  # migrate and register the dataset once, and fail early if broken
        with tempfile.TemporaryDirectory(prefix="daliz-serve-") as run_dir:
            # Set only now: the app built above in this process must not take a worker's slot.
            board = create_board(Path(run_dir) / "workers.board")
            os.environ["DALIZ_WORKER_BOARD"] = str(board)
            uvicorn.run(
                "daliz.service.app:create_app",
                factory=True,
                host=settings.host,
                port=settings.port,
                workers=workers,
                log_level="info",
            )
        return
    from daliz.service.app import create_app

    app = create_app(settings)
    console.print(
        _(
            "daliz serving on {address}  (API: /api/v1, OpenAPI: /api/v1/openapi.json; "
            "Ctrl+C stops)"
        ).format(address=f"http://{settings.host}:{settings.port}"),
        markup=False,
    )
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


def prepare_service() -> None:
    """Migrate the database and register the dataset (what building the app does), in a child
    process, before `daliz serve --workers N` starts its workers.

    In a child so that the supervising parent never imports the app: it stays at ~40 MB
    instead of ~210 MB beside its workers. The child reads the settings from the DALIZ_*
    environment; its failure comes back as the same clean DalizError.
    """
    import multiprocessing

    from daliz.errors import DalizError

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_prepare_in_child, args=(send,), name="daliz-prepare")
    child.start()
    send.close()
    try:
        outcome = receive.recv()
    except EOFError:  # the child died before it could answer
        child.join()
        outcome = (
            _("Preparing the service failed (exit code {code}).").format(code=child.exitcode),
            None,
        )
    child.join()
    if outcome is not None:
        message, hint = outcome
        raise DalizError(message, hint=hint)


def _prepare_in_child(send: Any) -> None:
    """Build the app once (migrations, dataset registration) and report how it went."""
    from daliz.errors import DalizError
    from daliz.service.app import create_app
    from daliz.service.settings import Settings

    try:
        app = create_app(Settings.from_env())
        app.state.daliz.engine.dispose()
    except DalizError as exc:
        send.send((exc.message, exc.hint))
    except Exception as exc:  # reported as a message, never a traceback
        send.send((f"{type(exc).__name__}: {exc}", None))
    else:
        send.send(None)
    finally:
        send.close()


def _sessions(database_url: str | None, data_dir: Path | None) -> sessionmaker[Session]:
    from daliz.service.db import make_engine, run_migrations, session_factory
    from daliz.service.settings import Settings

    settings = Settings.from_env(database_url=database_url, data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url())
    run_migrations(engine)
    return session_factory(engine)


@users_app.command(
    "add", help=N_("Create a user and print the API key — once; only its hash is stored.")
)
def users_add(
    name: Annotated[str, typer.Argument(help=N_("Who holds the key (a person or a system)."))],
    role: Annotated[str, typer.Option(help=N_("viewer, planner or admin."))] = "viewer",
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Create a user and print the API key — once; only its hash is stored."""
    from daliz.service.auth import add_user

    user, key = add_user(_sessions(database_url, data_dir), name, role)
    console.print(
        _("Created {name} ({role}). API key — shown only now, keep it safe:").format(
            name=user.name, role=role_label(user.role)
        ),
        markup=False,
    )
    typer.echo(key)


@users_app.command("list", help=N_("The users and their roles (never the keys)."))
def users_list(
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
    include_revoked: Annotated[bool, typer.Option(help=N_("Also list revoked keys."))] = True,
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print JSON."))] = False,
) -> None:
    """The users and their roles (never the keys)."""
    from daliz.service.auth import list_users
    from daliz.service.db import as_utc, iso

    users = list_users(_sessions(database_url, data_dir), include_revoked=include_revoked)
    rows = [
        {
            "name": u.name,
            "role": u.role,
            "key_prefix": u.key_prefix,
            "created_at": iso(u.created_at),
            "revoked_at": iso(u.revoked_at),
        }
        for u in users
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        console.print(_("No users yet: `daliz users add NAME --role planner`."), markup=False)
        return
    table = Table(_("name"), _("role"), _("key prefix"), _("created"), _("revoked"))
    for u in users:
        created, revoked = as_utc(u.created_at), as_utc(u.revoked_at)
        table.add_row(
            escape(u.name or ""),
            role_label(u.role or ""),
            f"dlz_{u.key_prefix}_…",
            format_datetime(created) + " UTC" if created else "",
            format_datetime(revoked) + " UTC" if revoked else "",
        )
    console.print(table)


@users_app.command(
    "revoke", help=N_("Revoke a user's key at once (the record stays, marked revoked).")
)
def users_revoke(
    name: Annotated[str, typer.Argument(help=N_("The user whose active key to revoke."))],
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Revoke a user's key at once (the record stays, marked revoked)."""
    from daliz.service.auth import revoke_user

    user = revoke_user(_sessions(database_url, data_dir), name)
    console.print(
        _("Revoked the key of {name} ({role}).").format(name=user.name, role=role_label(user.role)),
        markup=False,
    )


def role_label(role: str) -> str:
    """A role's name in the current language (the role id stays in JSON and options)."""
    labels = {"viewer": _("viewer"), "planner": _("planner"), "admin": _("admin")}
    return labels.get(role, role)


SERVE_HELP = N_("Serve the JSON API and the map page (http://127.0.0.1:8000 by default).")


def register(app: typer.Typer) -> None:
    """Add `daliz serve` and `daliz users` to the main app."""
    app.command("serve", help=SERVE_HELP)(serve)
    app.add_typer(users_app, name="users")
