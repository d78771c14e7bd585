"""Demo users: one per role, each assigned to the area the role works in."""

from __future__ import annotations

from villageaid.accounts.models import User
from villageaid.core.demo import BEIMA, SONGCUN, WEIHAI, WENDENG, DemoContext
from villageaid.core.models import Area
from villageaid.core.roles import Role

DEMO_USERS = [
    ("admin", Role.ADMIN, None, "系统管理员"),
    ("city", Role.CITY, WEIHAI, "市扶贫办"),
    ("county", Role.COUNTY, WENDENG, "文登区乡村振兴局"),
    ("township", Role.TOWNSHIP, SONGCUN, "宋村镇"),
    ("cadre", Role.CADRE, BEIMA, "北马村村干部"),
    ("helper", Role.HELPER, BEIMA, "帮扶责任人"),
    ("helper2", Role.HELPER, BEIMA, "帮扶责任人（驻村工作队）"),
    ("helper3", Role.HELPER, BEIMA, "帮扶责任人（镇包村干部）"),
    ("grid", Role.GRID, BEIMA + "001", "网格员"),
    ("assessor", Role.ASSESSOR, WENDENG, "第三方评估"),
    ("tech", Role.TECH, BEIMA, "园区技术员"),
    ("sales", Role.SALES, BEIMA, "销售专员"),
    ("gate", Role.GATE, BEIMA, "卡口志愿者"),
]


def load(ctx: DemoContext) -> None:
    for username, role, area_code, name in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role = role
        user.first_name = name
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(ctx.password)
        user.save()
        if area_code:
            user.areas.set([Area.objects.get(code=area_code)])
        ctx.users[username] = user
