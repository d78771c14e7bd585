from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from villageaid.conftest import PASSWORD
from villageaid.core import idnumber, pii
from villageaid.core.logging import redact

ID = "11010519491231002X"


def test_id_number_helpers() -> None:
    assert idnumber.validate(" １１０１０５１９４９１２３１００２x ") == ID
    assert idnumber.mask(ID) == "110105********002X"
    assert idnumber.sex(ID) == "2"
    assert idnumber.calc_check_digit(ID[:17]) == "X"
    # Historical address codes stay valid (Wendeng's 372132 before 1983).
    old = "37213219500101001"
    assert idnumber.is_valid(old + idnumber.calc_check_digit(old))
    assert not idnumber.is_valid("11010519491331002X")  # no 31st of the 13th month
    with pytest.raises(idnumber.IdNumberError) as exc:
        idnumber.validate("110105194912310021")
    assert exc.value.reason == "checksum"
    with pytest.raises(idnumber.IdNumberError) as exc:
        idnumber.validate("1.10105E+17")
    assert exc.value.reason == "lost_digits"


def test_encryption_round_trip_and_keyed_hash() -> None:
    token = pii.encrypt(ID)
    assert ID not in token
    assert pii.decrypt(token) == ID
    assert pii.encrypt(ID) != token  # randomised
    assert pii.lookup_hash(ID) == pii.lookup_hash(ID.lower())
    assert pii.lookup_hash(ID) != pii.lookup_hash("110105194912310029")


def test_logs_never_carry_an_id_number(caplog: Any) -> None:
    assert redact(f"looked up {ID} today") == "looked up 110105********002X today"
    logger = logging.getLogger("villageaid.test")
    from villageaid.core.logging import RedactIdNumbers

    logger.addFilter(RedactIdNumbers())
    with caplog.at_level(logging.INFO):
        logger.info("person %s moved", ID)
    assert ID not in caplog.text
    assert "110105********002X" in caplog.text


@pytest.mark.django_db
def test_login_lockout_after_repeated_failures(cadre: Any) -> None:
    client = Client(enforce_csrf_checks=False)
    for _ in range(5):
        client.post("/accounts/login/", {"username": cadre.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": cadre.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.9", "", "203.0.113.9"),  # no proxy
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not our proxy: header ignored
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # through nginx
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # forged left part ignored
        ("127.0.0.1", "198.51.100.7, 127.0.0.1", "198.51.100.7"),  # two of our proxies
        ("127.0.0.1", "nonsense", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_client_address_believes_only_trusted_proxies(
    settings: Any, remote: str, forwarded: str, client: str
) -> None:
    from django.test import RequestFactory

    from villageaid.core.net import client_ip

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client


@pytest.mark.django_db
def test_lockout_behind_the_proxy_is_per_client(cadre: Any, settings: Any) -> None:
    """Behind nginx every request comes from 127.0.0.1: one client's failures lock that
    client out, not the whole county."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(5):
        attacker.post("/accounts/login/", {"username": cadre.username, "password": "wrong"})
    login = {"username": cadre.username, "password": PASSWORD}
    assert attacker.post("/accounts/login/", login).status_code == 429
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert colleague.post("/accounts/login/", login).status_code == 302


@pytest.mark.django_db
def test_login_works_and_lands_in_chinese(cadre: Any) -> None:
    client = Client()
    page = client.get("/accounts/login/")
    assert page["Content-Language"] == "zh-hans"
    assert "登录乡村帮扶平台" in page.content.decode()
    response = client.post("/accounts/login/", {"username": cadre.username, "password": PASSWORD})
    assert response.status_code == 302
    assert "今日待办" in client.get("/").content.decode()


@pytest.mark.django_db
def test_csrf_is_enforced_on_forms(cadre: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": cadre.username, "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_security_headers(cadre: Any) -> None:
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_json_responses_get_a_strict_fixed_policy(cadre: Any) -> None:
    """The API loads nothing and is framed by no one; its HTML docs keep the pages' policy."""
    from villageaid.accounts.models import ApiToken

    _, raw = ApiToken.issue(user=cadre)
    api = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert api["Content-Type"].startswith("application/json")
    assert api["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert api["X-Content-Type-Options"] == "nosniff"
    refused = Client().get("/api/v1/me")
    assert refused.status_code == 401
    assert refused["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200 and docs["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in docs["Content-Security-Policy"]


@pytest.mark.django_db
def test_healthz_reports_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_english_is_available(settings: Any) -> None:
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("今日待办") == "Today"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("cadre", "home"),
        ("gate", "epidemic-gate"),
        ("sales", "sales-today"),
        ("helper", "visits-today"),
    ],
)
def test_each_role_lands_on_its_work(make_user: Any, role: str, landing: str) -> None:
    from django.urls import reverse

    from villageaid.core.roles import LANDING

    user = make_user(role)
    response = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert LANDING[role] == landing
    assert response["Location"] == reverse(landing)


def test_files_are_encrypted_frame_by_frame() -> None:
    import io

    plain = ("110105194912310029,张三\n" * 5000).encode()
    sealed = io.BytesIO()
    assert pii.encrypt_stream(io.BytesIO(plain), sealed, chunk=10_000) == len(plain)
    data = sealed.getvalue()
    assert (
        data.startswith(pii.STREAM_MAGIC) and b"110105" not in data and "张三".encode() not in data
    )
    out = io.BytesIO()
    assert pii.decrypt_stream(io.BytesIO(data), out) == len(plain)
    assert out.getvalue() == plain

    # Frames: (length, token) pairs after the magic line.
    frames, at = [], len(pii.STREAM_MAGIC)
    while at < len(data):
        n = int.from_bytes(data[at : at + 4], "big")
        frames.append(data[at : at + 4 + n])
        at += 4 + n
    assert len(frames) == -(-len(plain) // 10_000)
    head = pii.STREAM_MAGIC
    for broken in (
        head + b"".join(frames[:-1]),  # the last frame dropped
        head + frames[1] + frames[0] + b"".join(frames[2:]),  # two frames swapped
        data + frames[-1],  # a frame appended after the last
        data[:-5],  # cut inside a frame
    ):
        with pytest.raises(ValueError):
            pii.decrypt_stream(io.BytesIO(broken), io.BytesIO())


def test_empty_and_whole_token_files_decrypt() -> None:
    import io

    sealed = io.BytesIO()
    assert pii.encrypt_stream(io.BytesIO(b""), sealed) == 0
    out = io.BytesIO()
    assert pii.decrypt_stream(io.BytesIO(sealed.getvalue()), out) == 0 and out.getvalue() == b""
    legacy = pii.cipher().encrypt(b"id_number\n110105194912310029\n")  # before the framed format
    out = io.BytesIO()
    pii.decrypt_stream(io.BytesIO(legacy), out)
    assert out.getvalue() == b"id_number\n110105194912310029\n"


@pytest.mark.django_db
def test_a_session_ended_elsewhere_is_ended_here(cadre: Any) -> None:
    """A logout handled by another server worker deletes the session row; this worker must
    not go on serving the session from a cache of its own."""
    from django.contrib.sessions.models import Session

    client = Client()
    assert client.post("/accounts/login/", {"username": cadre.username, "password": PASSWORD})
    assert client.get("/registry/households/").status_code == 200
    Session.objects.all().delete()  # the other worker's logout
    response = client.get("/registry/households/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
