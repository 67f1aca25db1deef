"""The OpenAPI document says what the server really does: its errors, headers, examples and
operation ids, and it changes only on purpose (the committed snapshot)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.store import migrate
from app.web.openapi import HEADERS
from tests.seed_helpers import load_bundled


def test_openapi_declares_problem_json_errors(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "Problem" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], (
                        path,
                        method,
                        status,
                    )
            assert "500" in operation["responses"], (path, method)


def test_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"
REGENERATE = ".venv/bin/python -m clients.dump_openapi tests/snapshots/openapi.json"
OPERATION_ID = re.compile(r"[a-z][a-zA-Z0-9]*")
# Parameters an operation needs one of, as its descriptions say: the first goes with the others.
ONE_OF = {"/v1/compare": ("disciplines", "aspect")}


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    load_bundled(engine)
    # The fixture's schema comes from the models; record it as migrated so /readyz is ready.
    command.stamp(migrate.alembic_config(engine), "head")
    return client


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, op) for path, item in document["paths"].items() for op in item.values()]


def examples(parameter: dict[str, Any]) -> list[Any]:
    found = list(parameter.get("schema", {}).get("examples", []))
    found += [example["value"] for example in parameter.get("examples", {}).values()]
    return found + ([parameter["example"]] if "example" in parameter else [])


def url(path: str, operation: dict[str, Any], chosen: dict[str, Any]) -> str:
    """``path`` with ``chosen`` values, and the first example of every other required one."""
    query: list[tuple[str, str]] = []
    needed = ONE_OF.get(path, ())
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        if name in chosen:
            value = chosen[name]
        elif parameter.get("required") or (
            needed and name == needed[0] and not set(needed) & set(chosen)
        ):
            value = examples(parameter)[0]
        else:
            continue
        if where == "path":
            path = path.replace(f"{{{name}}}", quote(str(value), safe=""))
        elif where == "query":
            query += [(name, str(v)) for v in (value if isinstance(value, list) else [value])]
    return f"{path}?{urlencode(query)}" if query else path


def test_operation_ids_are_short_unique_and_stable(client: TestClient) -> None:
    ids = [op["operationId"] for _, op in operations(client.get("/openapi.json").json())]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not OPERATION_ID.fullmatch(i)] == []
    expected = {
        *("listAspects", "getAspect", "listDisciplines", "getDiscipline", "compare", "search"),
        *("listSources", "getSource", "getSourceLines", "healthz", "root"),
    }
    assert expected <= set(ids)


def test_every_declared_example_is_accepted(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    tried, failures = 0, []
    for path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            for example in examples(parameter):
                tried += 1
                target = url(path, operation, {parameter["name"]: example})
                response = api.get(target)
                if response.status_code != 200:
                    failures.append(f"{target}: {response.status_code} {response.text[:160]}")
    assert tried >= 30
    assert failures == []


def _declared(operation: dict[str, Any], status: int) -> dict[str, bool]:
    """The pipeline's headers the response declares, each with whether it is required."""
    response = operation["responses"][str(status)]
    names = [ref["$ref"].rsplit("/", 1)[1] for ref in response.get("headers", {}).values()]
    return {name.lower(): HEADERS[name]["required"] for name in names}


def _check_headers(response: Any, operation: dict[str, Any], where: str) -> list[str]:
    declared = _declared(operation, response.status_code)
    sent = {name.lower() for name in HEADERS} & set(response.headers.keys())
    problems = [f"{where}: {name} sent, not declared" for name in sorted(sent - set(declared))]
    required = sorted(name for name, must in declared.items() if must and name not in sent)
    problems += [f"{where}: {name} declared required, not sent" for name in required]
    return problems


def test_every_header_sent_is_declared_and_every_required_one_sent(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    problems = []
    for path, operation in operations(document):
        names = {p["name"] for p in operation.get("parameters", [])}
        target = url(path, operation, {"limit": 1} if "limit" in names else {})
        ok = api.get(target)
        assert ok.status_code == 200, target
        problems += _check_headers(ok, operation, f"{target} 200")
        if "304" in operation["responses"]:
            again = api.get(target, headers={"If-None-Match": ok.headers["etag"]})
            assert again.status_code == 304, target
            problems += _check_headers(again, operation, f"{target} 304")
        else:
            assert "etag" not in ok.headers, target
        bad = api.get(f"{target}{'&' if '?' in target else '?'}unknown=x")
        assert bad.status_code == 400, target
        problems += _check_headers(bad, operation, f"{target} 400")
    assert problems == []


def test_collections_declare_link_and_total_count(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path in ("/v1/aspects", "/v1/search", "/v1/compare", "/v1/sources/{slug}/lines"):
        headers = document["paths"][path]["get"]["responses"]["200"]["headers"]
        assert {"Link", "X-Total-Count", "ETag"} <= set(headers), path
    resource = document["paths"]["/v1/aspects/{key}"]["get"]["responses"]
    assert {"ETag", "Cache-Control", "Vary", "X-Dataset-Version"} <= set(resource["200"]["headers"])
    assert "Link" not in resource["200"]["headers"]
    assert "Last-Modified" not in resource["304"]["headers"]


def test_cursor_and_offset_exclusivity_is_declared(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paged = 0
    for path, operation in operations(document):
        parameters = {p["name"]: p for p in operation.get("parameters", [])}
        if "offset" not in parameters:
            continue
        paged += 1
        assert "Not with `offset`" in parameters["cursor"]["description"], path
        assert "Not with `cursor`" in parameters["offset"]["description"], path
        assert "`cursor` with `offset`" in operation["responses"]["400"]["description"], path
    assert paged == 8


def test_compare_declares_that_it_needs_aspect_or_disciplines(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/compare"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert "Give `aspect`, `disciplines`, or both" in parameters["aspect"]["description"]
    assert "Needed without `aspect`" in parameters["disciplines"]["description"]
    assert "neither `aspect` nor `disciplines`" in operation["responses"]["400"]["description"]
    assert "Give `aspect`, `disciplines`, or both" in operation["description"]


def _differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Where ``new`` differs from ``old``, as paths of keys and indexes."""
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        old, new = dict(enumerate(old)), dict(enumerate(new))
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            at = f"{where}[{key!r}]"
            if key not in new:
                found.append(f"{at}: removed")
            elif key not in old:
                found.append(f"{at}: added")
            else:
                found += _differences(old[key], new[key], at)
        return found
    return [] if old == new else [f"{where}: changed"]


def test_the_document_is_the_committed_snapshot(client: TestClient) -> None:
    live = client.get("/openapi.json").json()
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    differences = _differences(committed, live)
    assert not differences, (
        "The OpenAPI document differs from tests/snapshots/openapi.json, the contract as last "
        f"agreed, at {len(differences)} places:\n  " + "\n  ".join(differences[:30]) + "\n"
        f"If the change is deliberate, regenerate the snapshot with `{REGENERATE}` and commit "
        "it with the change (review its diff: clients see every line of it)."
    )
