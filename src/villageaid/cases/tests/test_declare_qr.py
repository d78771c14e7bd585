from __future__ import annotations

from typing import Any

import pytest

from villageaid.conftest import client_for
from villageaid.core.roles import Role


@pytest.mark.django_db
def test_village_qr_code_opens_the_public_form(areas: Any, make_user: Any) -> None:
    client = client_for(make_user(Role.CADRE))
    svg = client.get(f"/cases/declare/{areas['village'].code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<svg" in svg.content
    assert client.get(f"/cases/declare/{areas['neighbour'].code}/qr.svg").status_code == 404
    listing = client.get("/cases/declarations/").content.decode()
    assert f"/cases/declare/{areas['village'].code}/qr.svg" in listing
