"""Forged cursors never reach the database: each is a 400 problem naming ``cursor``.

A cursor is base64url of JSON, as the API encodes it: ``{"s": sort, "k": [values]}`` for the
keyset lists, ``[fingerprint, score, kind, id]`` for search. Each forged one below is built the
same way, so it passes the decoding and tests what the cursor holds.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.seed_helpers import load_bundled

Json = Any  # a value to encode as JSON, or bytes already written as JSON text


def encoded(payload: Json) -> str:
    """``payload`` as the API encodes cursors (unpadded base64url of its JSON)."""
    text = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return base64.urlsafe_b64encode(text).decode("ascii").rstrip("=")


def decoded(cursor: str) -> Any:
    return orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


# What a value in a slot of each type may not be, as JSON text (some, such as 2^64, cannot be
# written by orjson): another type, out of range, a boolean for an integer.
NOT_AN_INTEGER = [
    b"[1,2]", b'{"a":1}', b"true", b"false", b'"x"', b'"1"', b"1e308", b"1.5", b"null",
    b"9223372036854775808", b"-9223372036854775809", b"18446744073709551616",
]  # fmt: skip
NOT_TEXT = [b"[1,2]", b'{"a":1}', b"true", b"123", b"null", b'"a\\u0000b"',
            b'"' + b"x" * 301 + b'"']  # fmt: skip
VALID = {"int": b"1", "text": b'"a"'}
WRONG = {"int": NOT_AN_INTEGER, "text": NOT_TEXT}

# Every paginated list, the sort a request without ``sort`` uses, and what its keys hold.
KEYSET_LISTS = [
    ("/v1/disciplines", "slug", ("text", "int")),
    ("/v1/disciplines?sort=-name", "-name", ("text", "int")),
    ("/v1/aspects", "slug", ("text", "int")),
    ("/v1/descriptions", "id", ("int",)),
    ("/v1/descriptions?sort=-id", "-id", ("int",)),
    ("/v1/definitions", "id", ("int",)),
    ("/v1/uses", "id", ("int",)),
    ("/v1/faqs", "id", ("int",)),
    ("/v1/sources", "slug", ("text", "int")),
    ("/v1/compare?disciplines=production,operations", "slug", ("text", "int")),
]


def keyset_forgeries(sort: str, slots: tuple[str, ...]) -> list[bytes]:
    """Cursors no page of a list sorted by ``sort`` (keys of the types ``slots``) issues."""
    s = orjson.dumps(sort)
    valid = [VALID[slot] for slot in slots]
    forged = []
    for index, slot in enumerate(slots):  # one slot wrong at a time, the others valid
        for wrong in WRONG[slot]:
            values = [*valid[:index], wrong, *valid[index + 1 :]]
            forged.append(b'{"s":' + s + b',"k":[' + b",".join(values) + b"]}")
    joined = b",".join(valid)
    return [
        *forged,
        b'{"s":' + s + b',"k":[' + joined + b",1]}",  # one value too many
        b'{"s":' + s + b',"k":[' + b",".join(valid[:-1]) + b"]}",  # one too few
        b'{"s":' + s + b',"k":1}',
        b'{"s":"nope","k":[' + joined + b"]}",  # a sort the list does not offer
        b'{"s":"-slug","k":["a",1]}' if sort != "-slug" else b'{"s":"slug","k":["a",1]}',
        b'{"s":' + s + b',"k":[' + joined + b'],"x":1}',
        b'{"s":["' + sort.encode() + b'"],"k":[' + joined + b"]}",
        b'{"k":[' + joined + b"]}",
        b"[" + s + b",[" + joined + b"]]",
        b'"cursor"',
        b"null",
        b'{"s":' + s + b',"k":[NaN]}',
        b"not json",
    ]


def assert_cursor_refused(api: TestClient, path: str, cursor: str) -> str | None:
    """None if ``cursor`` is refused as it should be, else what went wrong."""
    joined = "&" if "?" in path else "?"
    response = api.get(f"{path}{joined}cursor={cursor}")
    if response.status_code != 400:
        return f"{response.status_code}: {response.text[:200]}"
    body = response.json()
    if response.headers["content-type"] != "application/problem+json":
        return f"content type {response.headers['content-type']}"
    if [p["name"] for p in body.get("invalid_params", [])] != ["cursor"]:
        return f"invalid_params {body.get('invalid_params')}"
    if "cursor" not in body["detail"] or "next" not in body["detail"]:
        return f"detail {body['detail']!r}"
    return None


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    load_bundled(engine)
    return client


@pytest.mark.parametrize(("path", "sort", "slots"), KEYSET_LISTS)
def test_forged_keyset_cursors_are_400_problems(
    api: TestClient, path: str, sort: str, slots: tuple[str, ...]
) -> None:
    failures = {}
    for forged in keyset_forgeries(sort, slots):
        failure = assert_cursor_refused(api, path, encoded(forged))
        if failure is not None:
            failures[forged.decode()] = failure
    assert failures == {}


@pytest.mark.parametrize(("path", "sort", "slots"), KEYSET_LISTS)
def test_a_cursor_a_page_issued_is_taken(
    api: TestClient, path: str, sort: str, slots: tuple[str, ...]
) -> None:
    first = api.get(f"{path}{'&' if '?' in path else '?'}limit=1")
    assert first.status_code == 200
    following = api.get(first.json()["next"])
    assert following.status_code == 200
    assert following.json()["items"] != first.json()["items"]
    payload = decoded(following.request.url.params["cursor"])
    assert payload["s"] == sort
    assert len(payload["k"]) == len(slots)


@pytest.mark.parametrize(
    "cursor",
    ["!!!!", "é", "eyJzIjoiaWQiLCJrIjpbMV19!", "e30", "", "YQ", "a" * 5],
)
def test_cursors_that_are_not_base64url_json_are_400_problems(api: TestClient, cursor: str) -> None:
    assert assert_cursor_refused(api, "/v1/descriptions", cursor) is None


# Search cursors: [fingerprint of q and kind, score, kind, id]; "FP" stands for the fingerprint
# of the request's own q and kind, so only the values make each one wrong.
SEARCH_FORGERIES = [
    b'["FP",[1,2],"aspect",1]', b'["FP",{"a":1},"aspect",1]', b'["FP",true,"aspect",1]',
    b'["FP","x","aspect",1]', b'["FP",null,"aspect",1]',
    b'["FP",1.0,"aspect",9223372036854775808]', b'["FP",1.0,"aspect",18446744073709551616]',
    b'["FP",1.0,"aspect",1e308]', b'["FP",1.0,"aspect",true]', b'["FP",1.0,"aspect","x"]',
    b'["FP",1.0,"aspect",[1]]', b'["FP",1.0,"aspect",-1]',
    b'["FP",1.0,"nope",1]', b'["FP",1.0,1,1]', b'["FP",1.0,{"a":1},1]',
    b'["FP",1.0,"aspect"]', b'["FP",1.0,"aspect",1,1]', b'["other",1.0,"aspect",1]',
    b'{"s":"id","k":[1]}', b'"x"',
]  # fmt: skip


def test_forged_search_cursors_are_400_problems(api: TestClient) -> None:
    path = "/v1/search?q=management"
    issued = api.get(f"{path}&limit=1").json()["next"]
    fingerprint, *_ = decoded(issued.rsplit("cursor=", 1)[1])
    assert api.get(issued).status_code == 200
    failures = {}
    for forged in SEARCH_FORGERIES:
        forged = forged.replace(b"FP", fingerprint.encode())
        failure = assert_cursor_refused(api, path, encoded(forged))
        if failure is not None:
            failures[forged.decode()] = failure
    assert failures == {}
