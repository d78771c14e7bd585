"""Users, their role and the areas they work in, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villageaid.core.models import Area
from villageaid.core.roles import Role


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.CADRE)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="users", verbose_name=_("工作区域")
    )
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    grants = models.JSONField(
        _("额外授权"),
        default=dict,
        blank=True,
        help_text=_('按模块追加的操作，例如 {"registry": ["edit"]}'),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @cached_property
    def area_paths(self) -> tuple[str, ...]:
        """The paths of the user's areas, for subtree checks (cached per request)."""
        return tuple(self.areas.values_list("path", flat=True))

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user.username} {self.prefix}…"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str = "") -> tuple[ApiToken, str]:
        raw = "va_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[3:11], digest=cls.digest_of(raw)
        )
        return token, raw
