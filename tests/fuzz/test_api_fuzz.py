"""Fuzz the HTTP API with schemathesis, as every role, over the OpenAPI document.

For each role a user is made in an area that does *not* contain Beima (village
roles in the neighbouring village, the township role in the other township);
higher roles (county, city, assessor, admin) see Beima by policy and are fuzzed
for server errors and schema conformance only. Beforehand every app's
``tests/samples.py`` builds objects in Beima and in the neighbouring village.

Checks per generated request (bounded: ``MAX_EXAMPLES`` per operation,
derandomised): no 5xx, the response matches its declared schema, and a list
answer of an out-of-area user never holds a Beima object (by the id its detail
operation takes) nor Beima's area code. Detail operations called with the
Beima id must answer 403 or 404 to such a user.
"""

from __future__ import annotations

import json
import os
import re
import time
from importlib import import_module
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from villageaid.conftest import VILLAGE, require_service
from villageaid.core.roles import Role

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))
# 5xx found by the fuzzer and not fixed yet: none. (Odd ``page`` values answered 500
# until core.paging.ApiPagination bounded them; see test_absurd_page_numbers below.)
KNOWN_5XX_OPERATIONS: set[str] = set()
APPS = ["core", "registry", "screening", "cases", "visits", "greenhouse", "sales", "epidemic"]
# Where each role is put so that Beima is outside its area (None: Beima is inside by policy).
OUTSIDE_AREA: dict[str, str | None] = {
    Role.CADRE: "neighbour",
    Role.HELPER: "neighbour",
    Role.GRID: "neighbour",
    Role.TECH: "neighbour",
    Role.SALES: "neighbour",
    Role.GATE: "neighbour",
    Role.TOWNSHIP: "other_township",
    Role.COUNTY: None,
    Role.CITY: None,
    Role.ASSESSOR: None,
    Role.ADMIN: None,
}


def _schemathesis() -> Any:
    try:
        import schemathesis
    except ImportError:
        require_service("schemathesis", "pip install schemathesis==4.32.5 into .venv")
    return schemathesis


def _beima_objects(areas: dict[str, Any]) -> dict[str, Any]:
    """Run every app's samples once; return the Beima kwargs by parameter name."""
    own: dict[str, Any] = {}
    done: set[Any] = set()
    for app in APPS:
        try:
            module = import_module(f"villageaid.{app}.tests.samples")
        except ModuleNotFoundError as exc:
            if exc.name != f"villageaid.{app}.tests.samples":
                raise
            continue
        for name, build in module.SAMPLES.items():
            if not name.startswith("api:") or build in done:
                continue
            done.add(build)
            for key, value in build(areas)["own"].items():
                own.setdefault(key, value)
    return own


def _ids(body: Any) -> set[Any]:
    items = body.get("items", body) if isinstance(body, dict) else body
    if not isinstance(items, list):
        return set()
    return {item.get("id") for item in items if isinstance(item, dict)}


@pytest.fixture
def keep_connection() -> Any:
    """Calls through the WSGI app would close the test's database connection at
    the end of each request (PostgreSQL); Django's test client unhooks this too."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.usefixtures("keep_connection")
@pytest.mark.parametrize("role", list(OUTSIDE_AREA))
def test_api_fuzz_as_role(role: str, areas: dict[str, Any], make_user: Any) -> None:
    schemathesis = _schemathesis()
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    from villageaid.accounts.models import ApiToken
    from villageaid.wsgi import application

    beima = _beima_objects(areas)
    area = OUTSIDE_AREA[role]
    user = make_user(role, area if area else "default", username=f"fuzz-{role}")
    _, raw = ApiToken.issue(user=user, name="fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    outside = area is not None

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [op.ok() for op in schema.get_all_operations()]
    paths = {op.path for op in operations}
    assert len(operations) >= 20, paths
    failures: list[str] = []
    requests = 0
    counter: list[int] = []
    known: list[str] = []
    started = time.monotonic()

    def _fuzzer(op: Any, listing: bool, param: str | None) -> Any:
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def run(case: Any) -> None:
            counter.append(1)
            response = case.call(headers=headers)
            label = f"{role} {case.method} {case.formatted_path} {case.query or ''} {case.body if case.body is not None else ''}"
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )
            except (Exception, BaseExceptionGroup) as exc:  # FailureGroup / Failure
                failures.append(f"{label} -> {response.status_code}: {type(exc).__name__}")
                return
            if outside and listing and response.status_code == 200:
                text = response.text
                body = json.loads(text) if text else None
                if param and beima.get(param) in _ids(body):
                    failures.append(f"{label}: Beima {param}={beima[param]} leaked")
                if VILLAGE in text:
                    failures.append(f"{label}: Beima area code in answer")

        return run

    for operation in operations:
        detail = next(
            (p for p in paths if re.fullmatch(re.escape(operation.path) + r"/\{(\w+)\}", p)),
            None,
        )
        detail_param = re.search(r"\{(\w+)\}$", detail).group(1) if detail else None  # type: ignore[union-attr]
        is_list = operation.method.upper() == "GET" and "{" not in operation.path

        run = _fuzzer(operation, is_list, detail_param)
        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
            curl = next((x.strip() for x in str(exc).splitlines() if "curl " in x), "")
            entry = f"{role} {operation.method.upper()} {operation.path}: {curl[:300]}"
            if f"{operation.method.upper()} {operation.path}" in KNOWN_5XX_OPERATIONS:
                known.append(entry)
            else:
                failures.append(entry)

        if outside and "{" in operation.path and operation.method.upper() == "GET":
            names = re.findall(r"\{(\w+)\}", operation.path)
            if all(n in beima for n in names):
                case = operation.Case(path_parameters={n: beima[n] for n in names})
                response = case.call(headers=headers)
                requests += 1
                if response.status_code not in (403, 404):
                    failures.append(
                        f"{role} GET {case.formatted_path} (Beima) -> {response.status_code}"
                    )

    elapsed = time.monotonic() - started
    requests += len(counter)
    for entry in known:
        print(f"known finding: {entry}")
    print(f"\n{role}: {len(operations)} operations, {requests} requests in {elapsed:.1f}s")
    assert requests >= len(operations)
    assert not failures, "\n".join(failures)


# Found by the fuzzer (first run): a page number beyond a 64-bit integer reached
# the database and answered 500. Fixed by bounding the pagination input.
ABSURD_PAGES = [
    "/api/v1/visits/points/ranking?page=2872937024821367296",
    "/api/v1/registry/households?page=2872937024821367296",
    "/api/v1/registry/households?page=x",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ABSURD_PAGES)
def test_absurd_page_numbers_are_rejected(url: str, make_user: Any) -> None:
    from django.test import Client

    from villageaid.accounts.models import ApiToken

    _, raw = ApiToken.issue(user=make_user(Role.CADRE), name="fuzz")
    response = Client(raise_request_exception=False).get(
        url, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# --- explicit boundary values (issue 18, finding 6) ----------------------------------
# Each JSON body, path and query parameter of every operation is sent, one at a time, with
# the hostile values of the security review, by a user of each role *inside* Beima (so the
# values reach the services, not only the scope check): no answer may be a 5xx.
BIG = 2**63
BOUNDARY: dict[str, list[Any]] = {
    "integer": [BIG, -BIG - 1, -1],
    "number": ["1E+999999999", 1e15, "NaN"],
    "date": ["9999-12-31", "0001-01-01"],
    "date-time": ["9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00Z"],
    "string": ["9" * 5000],
}
DEEP_JSON = "[" * 50_000 + "]" * 50_000


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:  # "X | None": the first non-null branch
            branches = [s for s in schema[key] if s.get("type") != "null"]
            return _resolve(branches[0], document) if branches else {"type": "null"}
    return schema


def _kind(schema: dict[str, Any]) -> str:
    kind = str(schema.get("type", "string"))
    return str(schema.get("format", "string")) if kind == "string" else kind


def _plain(schema: dict[str, Any], name: str, beima: dict[str, Any]) -> Any:
    """A value that passes validation, so that only the boundary value under test offends."""
    kind = _kind(schema)
    if "enum" in schema:
        return schema["enum"][0]
    return {
        "integer": beima.get(f"{name}_id", beima.get(name, 1)),
        "number": 1,
        "boolean": False,
        "date": "2020-01-06",
        "date-time": "2020-01-06T10:00:00+08:00",
        "array": [],
        "object": {},
    }.get(kind, "villager" if name == "party" else "in" if name == "direction" else "x")


def _parameter_requests(
    base: dict[str, Any], params: list[dict[str, Any]], document: dict[str, Any]
) -> list[dict[str, Any]]:
    """One request per boundary value of each path and query parameter."""
    found = []
    for p in params:
        for value in BOUNDARY.get(_kind(_resolve(p.get("schema", {}), document)), []):
            if p["in"] == "path":
                found.append({**base, "path_values": {**base["path_values"], p["name"]: value}})
            elif p["in"] == "query":
                found.append({**base, "query": {p["name"]: value}})
    return found


def _body_requests(
    base: dict[str, Any], operation: dict[str, Any], document: dict[str, Any], beima: dict[str, Any]
) -> list[dict[str, Any]]:
    """Deep JSON, then a valid body with one property at a time set to a boundary value."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return []
    schema = _resolve(content["application/json"]["schema"], document)
    props = {k: _resolve(v, document) for k, v in schema.get("properties", {}).items()}
    body = {k: _plain(v, k, beima) for k, v in props.items()}
    found: list[dict[str, Any]] = [{**base, "raw": DEEP_JSON}]
    for name, prop in props.items():
        found += [{**base, "body": {**body, name: v}} for v in BOUNDARY.get(_kind(prop), [])]
    return found


def _boundary_requests(document: dict[str, Any], beima: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            params = operation.get("parameters", [])
            values = {p["name"]: beima.get(p["name"], 1) for p in params if p["in"] == "path"}
            base = {"method": method.upper(), "path": path, "path_values": values}
            found += _parameter_requests(base, params, document)
            found += _body_requests(base, operation, document, beima)
    return found


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.usefixtures("keep_connection")
@pytest.mark.parametrize("role", list(OUTSIDE_AREA))
def test_api_boundary_values_as_role(role: str, areas: dict[str, Any], make_user: Any) -> None:
    from django.test import Client

    from villageaid.accounts.models import ApiToken

    beima = _beima_objects(areas)
    user = make_user(role, "default", username=f"bounds-{role}")
    _, raw = ApiToken.issue(user=user, name="bounds")
    client = Client(raise_request_exception=False)
    auth = {"Authorization": f"Bearer {raw}"}
    document = client.get("/api/v1/openapi.json", headers=auth).json()
    requests = _boundary_requests(document, beima)
    assert len(requests) >= 50
    failures = []
    for n, request in enumerate(requests):
        url = request["path"].format(**request["path_values"])
        headers = {**auth, "Idempotency-Key": f"bounds-{role}-{n}"}
        data = request.get("raw") or json.dumps(request.get("body", {}))
        if request["method"] == "GET":
            response = client.get(url, request.get("query", {}), headers=headers)
        else:
            response = client.generic(
                request["method"], url, data, content_type="application/json", headers=headers
            )
        if response.status_code >= 500:
            shown = {k: v for k, v in request.items() if k != "raw"}
            failures.append(f"{role} {shown} -> {response.status_code}")
    print(f"\n{role}: {len(requests)} boundary requests")
    assert not failures, "\n".join(failures[:30])
