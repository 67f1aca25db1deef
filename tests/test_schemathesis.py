"""Property-based run of the app's own OpenAPI document: every operation, generated inputs.

Schemathesis checks each response for server errors, undeclared status codes and content types,
and bodies or headers that break the documented schema. It is driven from a plain test (rather
than its pytest plugin) so it runs against the same fresh, seeded database as every other test.
"""

from __future__ import annotations

import schemathesis
from alembic import command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import Engine

from app.config import Settings
from app.main import create_app
from app.store import migrate
from tests.seed_helpers import load_bundled

EXAMPLES_PER_OPERATION = 60
# What the service promises: no server error, and every response as documented. (A schema-valid
# request may still be refused, e.g. a cursor that no page issued, so acceptance is not checked.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _operations(settings_: Settings, engine: Engine) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings_, engine))
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_honours_the_schema(settings: Settings, engine: Engine) -> None:
    load_bundled(engine)
    # The fixture's schema comes from the models; record it as migrated so /readyz is ready.
    command.stamp(migrate.alembic_config(engine), "head")
    operations = _operations(settings, engine)
    assert len(operations) >= 15
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples every run: CI must not flicker
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
