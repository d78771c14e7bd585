from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.accounts.models import ApiToken, User
from villageaid.core import audit


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (villageaid token create USERNAME)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        token, raw = ApiToken.issue(user=user, name=name)
        audit.record(actor=None, action="token.create", obj=token, note=username)
        self.stdout.write(raw)
