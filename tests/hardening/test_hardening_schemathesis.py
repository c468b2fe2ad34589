"""Property-based API tests: schemathesis against the service's own OpenAPI document.

Every operation of /api/v1/openapi.json gets EXAMPLES generated requests (valid and invalid
per the schema), sent as an admin (who may call everything) and, for a share of them, without
a key. Checks: no 5xx, the status code is one the document declares (or a problem+json answer
the service documents in docs/service.md), the body matches the declared schema, the content
type is the declared one. The total number of requests sent is asserted, so a change that
silently skips operations fails.

CI runs pytestmark = pytest.mark.slow  # about a minute together; CI runs it (-m "")
EXAMPLES = 25 per operation (31 operations: ~730 generated requests plus the stateful
run). Set DALIZ_SCHEMATHESIS_EXAMPLES for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hardening_helpers import make_keys_for_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.core.result import Ok
from service_helpers import MINI

from daliz.service import Settings, create_app

EXAMPLES = int(os.environ.get("DALIZ_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]


@pytest.fixture
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    app = create_app(
        Settings(
            data_dir=tmp / "data",
            dataset=str(MINI),
            database_url=f"sqlite:///{tmp / 'service.db'}",
            rate_limit_per_minute=0,
            max_draws=500,  # keeps generated plans quick; the limit itself is a checked 422
            plan_timeout_s=20,
        )
    )
    app.state.test_keys = make_keys_for_app(app)
    yield app
    app.state.daliz.engine.dispose()


def test_every_operation_conforms(api_app: FastAPI) -> None:
    keys: dict[str, str] = api_app.state.test_keys
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert len(operations) >= 31
    failures: list[str] = []
    sent: dict[str, int] = {}
    for operation in operations:
        count = 0

        @given(case=operation.as_strategy(), anonymous=st.booleans())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,  # the app's state moves on: a stored example may not replay
        )
        def run(case: Any, anonymous: bool) -> None:
            nonlocal count
            headers = {} if anonymous else {"Authorization": f"Bearer {keys['admin']}"}
            # Revoking the admin's own key would turn the rest of the run into 401s.
            name = str((case.path_parameters or {}).get("name", ""))
            if case.method == "DELETE" and name == "admin-user":
                return
            count += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}"[:3000])
        sent[operation.label] = count
    print(f"schemathesis: {sum(sent.values())} requests over {len(sent)} operations")
    assert not failures, "\n\n".join(failures)
    assert sum(sent.values()) >= len(operations) * min(EXAMPLES, 5), sent


def state_resetter(app: FastAPI) -> Callable[[], None]:
    """A function that puts the app's database back as it is now (users, datasets, plans)."""
    from sqlalchemy import delete, func, select, update

    from daliz.service.models import Activation, DatasetRecord, SavedPlan, User

    sessions = app.state.daliz.sessions
    with sessions() as session:
        last_user = session.scalar(select(func.max(User.id)))
        last_dataset = session.scalar(select(func.max(DatasetRecord.id)))
        last_activation = session.scalar(select(func.max(Activation.id)))
        revoked = [u.id for u in session.scalars(select(User).where(User.revoked_at.is_not(None)))]

    def reset() -> None:
        with sessions() as session, session.begin():
            session.execute(delete(SavedPlan))
            session.execute(delete(Activation).where(Activation.id > last_activation))
            session.execute(delete(DatasetRecord).where(DatasetRecord.id > last_dataset))
            session.execute(delete(User).where(User.id > last_user))
            session.execute(update(User).where(User.id.not_in(revoked)).values(revoked_at=None))
        app.state.daliz.plan_cache._entries.clear()

    return reset


STATEFUL_EXAMPLES = int(os.environ.get("DALIZ_SCHEMATHESIS_STATEFUL", "20"))


def test_stateful_workflows(api_app: FastAPI) -> None:
    """Sequences that follow the links schemathesis infers (create a dataset, then read,
    validate and activate it; list users, then revoke one; open a place from the list …)."""
    keys: dict[str, str] = api_app.state.test_keys
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)
    steps: list[str] = []
    failures: list[str] = []
    reset = state_resetter(api_app)

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def teardown(self) -> None:
            # Each sequence starts from the same database, as Hypothesis assumes (else a
            # sequence's rules depend on what earlier ones left, and it reports "flaky").
            reset()
            super().teardown()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {keys['admin']}"}}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kw: Any
        ) -> None:
            steps.append(f"{case.method} {case.path} -> {response.status_code}")
            try:
                case.validate_response(response, checks=CHECKS, transport_kwargs=kw)
            except Exception as exc:
                # Collected, not raised: Hypothesis would replay a failing sequence against an
                # app whose state has moved on and report only "flaky", hiding the failure.
                failures.append(f"{case.method} {case.formatted_path}: {exc}"[:2000])

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            database=None,
            # The app's state moves on between runs, so a failing run cannot be replayed or
            # shrunk (Hypothesis would report "flaky"); report it as found instead.
            phases=(Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck),
        )
    )
    print(f"schemathesis stateful: {len(steps)} calls")
    assert not failures, "\n\n".join(failures)
    assert len(steps) >= STATEFUL_EXAMPLES
