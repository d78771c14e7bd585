"""A drafted work brief in the shape of the seed article, every number from the data.

An official edits the draft before publishing; figures that are zero or missing
drop their sentence rather than print a misleading 0.
"""

from __future__ import annotations

from typing import Any

from villageaid.core.models import Area


def _n(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def draft(*, area: Area, start: str, end: str, figures: dict[str, Any]) -> str:
    f = figures
    lines = [
        f"{area.name}{start}至{end}工作简报（草稿）",
        "",
        "一、统筹抓好疫情防控",
    ]
    epidemic = []
    if f.get("masks_distributed"):
        epidemic.append(f"发放医用口罩{_n(f['masks_distributed'])}只")
    epidemic.append(
        f"辖区新冠输入病例{_n(f.get('imported_cases') or 0)}例、感染{_n(f.get('infections') or 0)}例"
    )
    lines.append("；".join(epidemic) + "。")
    lines += ["", "二、抓好产业项目复工复产和消费帮扶"]
    sales = []
    if f.get("harvest_jin"):
        sales.append(f"共产羊肚菌{_n(f['harvest_jin'])}斤")
    if f.get("livestream_jin"):
        sales.append(f"直播带货销售{_n(f['livestream_jin'])}斤、{_n(f.get('livestream_yuan'))}元")
    if f.get("hotels_supplied"):
        sales.append(f"对接星级酒店{_n(f['hotels_supplied'])}家")
    if f.get("community_groups"):
        sales.append(f"对接小区购物群{_n(f['community_groups'])}个")
    if f.get("staff_purchase_jin"):
        sales.append(
            f"干部职工认购{_n(f['staff_purchase_jin'])}斤、{_n(f.get('staff_purchase_yuan'))}元"
        )
    lines.append("；".join(sales) + "。" if sales else "（本期无产销记录）")
    lines += ["", "三、扎实开展排查和即时帮扶"]
    screening = []
    if f.get("households_visited"):
        screening.append(
            f"走访群众{_n(f['households_visited'])}户、{_n(f.get('people_visited'))}人"
        )
    if f.get("tuopin_households_verified"):
        screening.append(f"核查脱贫户{_n(f['tuopin_households_verified'])}户")
    if f.get("marginal_households_found"):
        screening.append(f"筛查出边缘户{_n(f['marginal_households_found'])}户")
    if f.get("suspected_problems"):
        screening.append(f"排查出疑似问题{_n(f['suspected_problems'])}个")
    if f.get("cases_opened"):
        screening.append(
            f"即时发现监测案件{_n(f['cases_opened'])}件，落实帮扶{_n(f.get('cases_assisted'))}件"
        )
    if f.get("median_days_clue_to_decision") is not None:
        screening.append(f"从发现到认定中位用时{_n(f['median_days_clue_to_decision'])}天")
    lines.append("；".join(screening) + "。" if screening else "（本期无排查记录）")
    if f.get("party_members_80_visited"):
        lines += [
            "",
            "四、推进结对帮扶",
            f"走访慰问80周岁以上老党员{_n(f['party_members_80_visited'])}名。",
        ]
    return "\n".join(lines) + "\n"
