"""The product against the hand-written matrix (``permission_matrix.py``), reads and writes.

Every page and API operation is tried by each of the 11 roles' personas (this village, the
next village, the township above, another county) on a record of 北马村 and, for household
records, on one that is not theirs. Each request runs in a savepoint that is rolled back, so
all requests see the same records; a write counts as done when any table's row count
changed. An allowed write must be done; a refused one must leave every table as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction

from villageaid.core.tests import matrix_urls, matrix_world
from villageaid.core.tests.matrix_urls import Spec
from villageaid.core.tests.permission_matrix import (
    HOUSEHOLD_BOUND,
    ROLES,
    expected,
    may,
)
from villageaid.core.tests.test_permissions import api_operations, page_patterns

# The world below is built once for the module inside an open transaction; a transactional
# test of another module run on the same xdist worker in between would flush it (seen on
# PostgreSQL: the worksheet rows gone, 404 for every role). One group keeps the module's
# tests together on one worker.
pytestmark = pytest.mark.xdist_group("matrix")

NARROWED_MODULES = {"registry", "visits", "cases"}
CASE_STEPS = {"verify", "compare", "review", "notice", "township", "county", "announce"}
# The step each role is tried at when a spec decides "the role's own step".
DENIED = {403, 404}


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[matrix_world.World]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = matrix_world.build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fast_pdf(monkeypatch: Any) -> None:
    """PDF rendering is not what is tested here (and takes a second a page)."""
    import weasyprint

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, *a, **k: b"%PDF-1.7")


def _tables() -> list[str]:
    skip = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
    names = [m._meta.db_table for m in apps.get_models(include_auto_created=True)]
    return sorted(n for n in set(names) if n not in skip)


TABLES: list[str] = []


def counts() -> tuple[int, ...]:
    if not TABLES:
        TABLES.extend(_tables())
    quote = connection.ops.quote_name  # table names from the models' metadata, not input
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in TABLES)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def changed(before: tuple[int, ...], after: tuple[int, ...]) -> list[str]:
    return [t for t, a, b in zip(TABLES, before, after, strict=True) if a != b]


def _owners(spec: Spec, role: str) -> list[tuple[str, str, str]]:
    """(persona relation, record owner, matrix relation) pairs to try."""
    if spec.seat:  # the record is the county: its own officials, and another county's
        return [("seat", "mine", "own"), ("far", "mine", "far")]
    tries = [(rel, "mine", rel) for rel in ("own", "next", "up", "far")]
    if spec.bound:
        tries.append(("own", "theirs", "not-mine"))
    elif role in HOUSEHOLD_BOUND and spec.module in NARROWED_MODULES and spec.household_data:
        # A record tied to no household is never a household-bound role's own.
        tries = [(rel, "mine", "not-mine" if rel in ("own", "up") else rel) for rel, *_ in tries]
    return tries


def _want(spec: Spec, role: str, relation: str) -> bool:
    if spec.own_area:
        return may(role, spec.module, spec.action)
    ok = expected(role, spec.module, spec.action, relation, step=spec.step)
    return ok and all(expected(role, m, a, relation) for m, a in spec.also)


def _prepare(world: matrix_world.World, spec: Spec, role: str, persona: Any) -> None:
    """Inside the savepoint: the household is the helper persona's, the case at the step."""
    from villageaid.cases.models import Case
    from villageaid.visits.models import HelperAssignment

    if role == "helper":
        HelperAssignment.objects.filter(
            household__in=[world["mine"], world["mine_free"], world["mine_monitored"]],
            ended_on__isnull=True,
        ).update(helper=persona)
    if spec.step and spec.step in CASE_STEPS:
        for owner in ("mine", "theirs"):
            case = world[f"case_{owner}"]
            step = case.procedure.steps.get(kind=case.kind, code=spec.step)
            done = [
                s.code for s in case.procedure.steps.filter(kind=case.kind, order__lt=step.order)
            ]
            Case.objects.filter(pk=case.pk).update(step=step, done_steps=done)


def _request(world: matrix_world.World, spec: Spec, key: tuple[str, str], url: str) -> Any:
    client = world.clients[key]
    extra: dict[str, Any] = {}
    if spec.is_api:
        extra["headers"] = {"Authorization": f"Bearer {world.tokens[key]}"}
    if spec.method == "GET":
        return client.get(url, **extra)
    body = spec.body(world, "mine") if spec.body else {}
    return (
        client.post(url, **body, **extra)
        if "content_type" in body
        else client.post(url, body, **extra)
    )


def _try(world: matrix_world.World, spec: Spec, role: str) -> list[str]:
    failures = []
    for persona_rel, owner, relation in _owners(spec, role):
        key = (role, persona_rel)
        url = spec.url(world, owner)
        with transaction.atomic():
            _prepare(world, spec, role, world.users[key])
            before = counts() if spec.method != "GET" else ()
            if spec.method != "GET" and spec.body is not None:
                body = spec.body(world, owner)
                response = _post(world, spec, key, url, body)
            else:
                response = _request(world, spec, key, url)
            after = counts() if spec.method != "GET" else ()
            transaction.set_rollback(True)
        want = _want(spec, role, relation)
        status = response.status_code
        written = changed(before, after) if spec.method != "GET" else []
        where = f"{role}@{persona_rel} {spec.method} {url} ({relation})"
        if spec.method == "GET" and not spec.has_record:
            failures += _list(world, spec, role, relation, owner, response, where)
            continue
        if spec.action == "R":
            failures += _reveal(world, spec, role, relation, owner, response, where)
            continue
        if spec.method == "GET":
            if want and status != 200:
                failures.append(f"{where}: {status}, expected 200")
            if not want and status not in DENIED:
                failures.append(f"{where}: {status}, expected 403/404")
            continue
        if want and (status >= 400 or not written):
            failures.append(f"{where}: {status}, wrote {written}, expected a write")
        if not want and written:
            failures.append(f"{where}: {status}, refused write left rows in {written}")
        if not want and status >= 500:
            failures.append(f"{where}: {status}")
    return failures


def _list(
    world: matrix_world.World,
    spec: Spec,
    role: str,
    relation: str,
    owner: str,
    response: Any,
    where: str,
) -> list[str]:
    """A page without a record opens by role alone; what it lists follows the reach."""
    may_open = all(may(role, m, a) for m, a in ((spec.module, spec.action), *spec.also))
    status = response.status_code
    if may_open != (status == 200) or (not may_open and status not in DENIED):
        return [f"{where}: {status}, expected {200 if may_open else '403/404'}"]
    if not spec.shows or not may_open:
        return []
    marker = matrix_urls.marker(world, spec.shows, owner)
    listed = marker in response.content.decode()
    if listed != _want(spec, role, relation):
        return [f"{where}: lists {marker}: {listed}, expected {not listed}"]
    return []


def _reveal(
    world: matrix_world.World,
    spec: Spec,
    role: str,
    relation: str,
    owner: str,
    response: Any,
    where: str,
) -> list[str]:
    """The card opens for those who may view it; the full ID shows for those who may reveal."""
    status, opens = response.status_code, expected(role, spec.module, "D", relation)
    if opens != (status == 200) or (not opens and status not in DENIED):
        return [f"{where}: {status}, expected {200 if opens else '403/404'}"]
    full = world[owner].members.first().id_number
    shown = full in response.content.decode()
    if shown != _want(spec, role, relation):
        return [f"{where}: full ID shown: {shown}"]
    return []


def _post(
    world: matrix_world.World, spec: Spec, key: tuple[str, str], url: str, body: dict[str, Any]
) -> Any:
    client = world.clients[key]
    headers = {"Authorization": f"Bearer {world.tokens[key]}"} if spec.is_api else {}
    if spec.is_api:
        headers["Idempotency-Key"] = f"matrix-{key[0]}-{key[1]}"
    if "content_type" in body:
        return client.post(url, body["data"], content_type=body["content_type"], headers=headers)
    return client.post(url, body, headers=headers)


READS = matrix_urls.read_specs()
WRITES = matrix_urls.write_specs()


@pytest.mark.django_db
@pytest.mark.parametrize("spec", READS, ids=lambda s: s.id)
def test_read(world: matrix_world.World, spec: Spec) -> None:
    failures = [f for role in ROLES for f in _try(world, spec, role)]
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("spec", WRITES, ids=lambda s: s.id)
def test_write(world: matrix_world.World, spec: Spec) -> None:
    failures = [f for role in ROLES for f in _try(world, spec, role)]
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_no_operation_deletes_or_replaces(world: matrix_world.World) -> None:
    """The matrix grants X (delete) to nobody but the administrator, and nothing is deleted
    or replaced through the API: every path answers DELETE/PUT/PATCH with 405, for every
    role, and leaves every table as it was."""
    failures = []
    for path, _operation in api_operations():
        url = "/api/v1" + _concrete(path, world)
        for role in ROLES:
            key = (role, "own")
            headers = {"Authorization": f"Bearer {world.tokens[key]}"}
            for method in ("delete", "put", "patch"):
                with transaction.atomic():
                    before = counts()
                    response = getattr(world.clients[key], method)(
                        url, json.dumps({}), content_type="application/json", headers=headers
                    )
                    after = counts()
                    transaction.set_rollback(True)
                if response.status_code != 405 or changed(before, after):
                    failures.append(f"{role} {method.upper()} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


def _concrete(path: str, world: matrix_world.World) -> str:
    for name, key in (
        ("{household_id}", "mine"),
        ("{run_id}", "run"),
        ("{clue_id}", "clue_mine"),
        ("{case_id}", "case_mine"),
        ("{notice_id}", "notice_mine"),
        ("{visit_id}", "visit_mine"),
        ("{campaign_id}", "campaign_mine"),
        ("{house_id}", "house"),
        ("{job_id}", "job"),
    ):
        path = path.replace(name, str(world[key].pk))
    return path


def test_every_url_is_in_the_matrix() -> None:
    """A new page or operation must be classified by hand before it ships."""
    known = {s.name for s in READS + WRITES} | matrix_urls.LOGIN_ONLY | matrix_urls.PUBLIC
    known |= matrix_urls.JOBS
    pages = {name for _r, name, _p in page_patterns()}
    operations = {f"api:{op.view_func.__name__}" for _p, op in api_operations()}
    missing = sorted((pages | operations) - known)
    assert not missing, f"classify these in core/tests/matrix_urls.py: {missing}"
    posts = {s.name for s in WRITES}
    writes = {
        f"api:{op.view_func.__name__}" for _p, op in api_operations() if set(op.methods) - {"GET"}
    }
    assert writes <= posts, f"write operations without a write spec: {sorted(writes - posts)}"


def test_every_page_post_is_walked() -> None:
    """A page either shows only (``GET_ONLY``) or each of its POSTs has a write spec."""
    pages = {name for _r, name, _p in page_patterns()}
    posts = {s.name for s in WRITES if not s.is_api}
    assert not posts & matrix_urls.GET_ONLY, sorted(posts & matrix_urls.GET_ONLY)
    known = posts | matrix_urls.GET_ONLY | matrix_urls.LOGIN_ONLY | matrix_urls.PUBLIC
    missing = sorted(pages - known - matrix_urls.JOBS)
    assert not missing, f"classify these pages' POSTs in core/tests/matrix_urls.py: {missing}"


@pytest.mark.django_db
def test_get_only_pages_write_nothing(world: matrix_world.World) -> None:
    """A page classified as showing only writes no more when the administrator (who may do
    everything) posts to it, with nothing or with every field the page POSTs above send, than
    when it is opened (an export is audited, a scorecard keeps its indicators)."""
    merged: dict[str, Any] = {}
    for spec in WRITES:
        if spec.body is not None and not spec.is_api:
            merged.update(spec.body(world, "mine"))
    seen, failures = set(), []
    for spec in READS:
        if spec.name not in matrix_urls.GET_ONLY or spec.name in seen:
            continue
        seen.add(spec.name)
        url, client = spec.url(world, "mine"), world.clients[("admin", "own")]
        opened = _delta(client.get, url)[1]
        for body in ({}, merged):
            status, delta = _delta(client.post, url, body)
            if delta != opened or status >= 500:
                failures.append(f"POST {url}: {status}, {delta}; opened: {opened}")
    assert seen == matrix_urls.GET_ONLY, sorted(matrix_urls.GET_ONLY - seen)
    assert not failures, "\n".join(failures)


def _delta(send: Any, *args: Any) -> tuple[int, dict[str, int]]:
    """The status of the request, and how many rows it added to each table (rolled back)."""
    with transaction.atomic():
        before = counts()
        status = send(*args).status_code
        after = counts()
        transaction.set_rollback(True)
    return status, {t: a - b for t, b, a in zip(TABLES, before, after, strict=True) if a != b}
