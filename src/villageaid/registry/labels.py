"""Code tables of the registry interchange (INTERFACES 2.1, 3.3) and their Chinese labels.

Each table maps a code to the label the national monitoring system uses (``*_LABELS``, used on
export) and every label a village roster may carry to a code (``*_FROM_LABEL``, used on import).
Import lookups go through :func:`label_key`, so full-width characters, spaces and a trailing
``致贫``/``返贫`` do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "HEALTH_FROM_LABEL",
    "HEALTH_LABELS",
    "HOUSEHOLD_TYPE_FROM_LABEL",
    "HOUSEHOLD_TYPE_LABELS",
    "LABOUR_FROM_LABEL",
    "LABOUR_LABELS",
    "MONITORING_CATEGORY_FROM_LABEL",
    "MONITORING_CATEGORY_LABELS",
    "MONITORING_STATUS_LABELS",
    "PERSON_STATUS_FROM_LABEL",
    "PERSON_STATUS_LABELS",
    "RELATIONSHIP_FROM_LABEL",
    "RELATIONSHIP_LABELS",
    "RISK_TYPE_FROM_LABEL",
    "RISK_TYPE_LABELS",
    "SCHOOL_STAGE_FROM_LABEL",
    "SCHOOL_STAGE_LABELS",
    "SEX_FROM_LABEL",
    "SEX_LABELS",
    "YES_NO_FROM_LABEL",
    "label_key",
    "lookup",
    "relationship_label",
    "risk_types_from_labels",
    "risk_types_label",
    "split_labels",
]


def label_key(value: object) -> str:
    """The form labels are compared in: NFKC (full-width to half-width), no spaces, lower-case."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    return "".join(text.split()).lower()


def _index(pairs: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """``{code: labels}`` to ``{label_key(label): code}``; a label may name one code only."""
    index: dict[str, str] = {}
    for code, labels in pairs.items():
        for label in labels:
            key = label_key(label)
            assert index.get(key, code) == code, f"label {label!r} maps to two codes"
            index[key] = code
    return index


def lookup(table: Mapping[str, str], value: object) -> str | None:
    """The code for a label, or ``None`` when the label is unknown."""
    return table.get(label_key(value))


# --- relationship to the head (与户主关系), GB/T 4761 style codes -----------------------------

RELATIONSHIP_LABELS: dict[str, str] = {
    "01": "户主",
    "10": "配偶",
    "20": "之子",
    "30": "之女",
    "40": "之孙子女",
    "50": "之父母",
    "60": "之祖父母",
    "70": "之兄弟姐妹",
    "28": "之女婿",
    "38": "之儿媳",
    "99": "其他",
}

# Labels that differ by sex, as the national system shows them.
_RELATIONSHIP_BY_SEX: dict[str, tuple[str, str]] = {
    "40": ("之孙子", "之孙女"),
    "50": ("之父", "之母"),
    "60": ("之祖父", "之祖母"),
}

RELATIONSHIP_FROM_LABEL: dict[str, str] = _index(
    {
        "01": ["户主", "本人", "本人(户主)", "户主本人", "本人户主"],
        "10": ["配偶", "之配偶", "妻", "妻子", "之妻", "夫", "丈夫", "之夫", "老伴"],
        "20": ["之子", "儿子", "子", "长子", "次子", "三子", "独子", "养子", "继子"],
        "30": ["之女", "女儿", "女", "长女", "次女", "三女", "独女", "养女", "继女"],
        "40": [
            "之孙子",
            "之孙女",
            "之孙子女",
            "孙子",
            "孙女",
            "孙子女",
            "之外孙子",
            "之外孙女",
            "外孙",
            "外孙子",
            "外孙女",
        ],
        "50": ["之父", "之母", "之父母", "父亲", "母亲", "父", "母", "父母"],
        "60": [
            "之祖父",
            "之祖母",
            "之祖父母",
            "祖父",
            "祖母",
            "爷爷",
            "奶奶",
            "之外祖父",
            "之外祖母",
            "外祖父",
            "外祖母",
        ],
        "70": [
            "之兄弟姐妹",
            "兄弟姐妹",
            "之兄",
            "之弟",
            "之姐",
            "之妹",
            "兄",
            "弟",
            "姐",
            "妹",
            "哥哥",
            "弟弟",
            "姐姐",
            "妹妹",
        ],
        "28": ["之女婿", "女婿"],
        "38": ["之儿媳", "儿媳", "儿媳妇", "之儿媳妇"],
        "99": ["其他", "其它", "之其他"],
    }
)


def relationship_label(code: str, sex: str = "") -> str:
    """The national label for a relationship code; 孙子/孙女, 父/母, 祖父/祖母 follow the sex."""
    if code in _RELATIONSHIP_BY_SEX and sex in ("1", "2"):
        return _RELATIONSHIP_BY_SEX[code][int(sex) - 1]
    return RELATIONSHIP_LABELS[code]


# --- person -------------------------------------------------------------------------------

SEX_LABELS: dict[str, str] = {"1": "男", "2": "女"}
SEX_FROM_LABEL: dict[str, str] = _index({"1": ["男", "男性", "1"], "2": ["女", "女性", "2"]})

HEALTH_LABELS: dict[str, str] = {
    "healthy": "健康",
    "chronic": "长期慢性病",
    "serious": "患有大病",
    "disabled": "残疾",
}
HEALTH_FROM_LABEL: dict[str, str] = _index(
    {
        "healthy": ["健康", "良好", "健康状况良好"],
        "chronic": ["长期慢性病", "慢性病", "长期慢病", "慢病"],
        "serious": ["患有大病", "大病", "重病", "患大病", "大病重病"],
        "disabled": ["残疾", "残疾人", "有残疾"],
    }
)

LABOUR_LABELS: dict[str, str] = {
    "skilled": "技能劳动力",
    "normal": "普通劳动力",
    "weak": "弱劳动力或半劳动力",
    "lost": "丧失劳动力",
    "none": "无劳动力",
}
LABOUR_FROM_LABEL: dict[str, str] = _index(
    {
        "skilled": ["技能劳动力", "技术劳动力"],
        "normal": ["普通劳动力", "劳动力", "一般劳动力"],
        "weak": ["弱劳动力或半劳动力", "弱劳动力", "半劳动力", "弱劳力", "半劳力"],
        "lost": ["丧失劳动力", "丧失劳动能力", "完全丧失劳动力", "完全丧失劳动能力"],
        "none": ["无劳动力", "无劳动能力"],
    }
)

SCHOOL_STAGE_LABELS: dict[str, str] = {
    "": "",
    "preschool": "学龄前儿童",
    "primary": "小学",
    "junior": "初中",
    "senior": "普通高中",
    "vocational": "中职",
    "college": "高职高专",
    "not_enrolled": "未在校",
}
_GRADES = ("一", "二", "三")
SCHOOL_STAGE_FROM_LABEL: dict[str, str] = _index(
    {
        "preschool": ["学龄前儿童", "学前教育", "学龄前", "学前", "幼儿园"],
        "primary": [
            "小学",
            "小学生",
            *(f"小学{n}年级" for n in "一二三四五六"),
            *(f"{n}年级" for n in "一二三四五六"),
        ],
        "junior": [
            "初中",
            "初中生",
            "七年级",
            "八年级",
            "九年级",
            "初一",
            "初二",
            "初三",
            *(f"初中{n}年级" for n in _GRADES),
        ],
        "senior": [
            "高中",
            "普通高中",
            "高一",
            "高二",
            "高三",
            *(f"普通高中{n}年级" for n in _GRADES),
            *(f"高中{n}年级" for n in _GRADES),
        ],
        "vocational": [
            "中职",
            "中专",
            "职高",
            "技校",
            "中等职业教育",
            *(f"中职{n}年级" for n in _GRADES),
            *(f"中专{n}年级" for n in _GRADES),
        ],
        "college": [
            "高职高专",
            "高职",
            "高专",
            "大专",
            "专科",
            "本科",
            "大学",
            "大学本科",
            "研究生",
            *(f"高职高专{n}年级" for n in _GRADES),
            *(f"大学{n}年级" for n in (*_GRADES, "四")),
            *(f"本科{n}年级" for n in (*_GRADES, "四")),
        ],
        "not_enrolled": ["未在校", "非在校生", "不在校", "未上学", "失学", "辍学", "已毕业"],
    }
)

YES_NO_FROM_LABEL: dict[str, str] = _index(
    {
        "1": ["是", "已参加", "参加", "已参保", "参保", "有", "1", "y", "yes", "true", "√"],
        "0": ["否", "未参加", "不参加", "未参保", "无", "0", "n", "no", "false", "×"],
    }
)

PERSON_STATUS_LABELS: dict[str, str] = {
    "active": "正常",
    "deceased": "死亡",
    "moved_out": "迁出",
}
PERSON_STATUS_FROM_LABEL: dict[str, str] = _index(
    {
        "active": ["正常", "在册", "在户", "健在"],
        "deceased": ["死亡", "已故", "去世", "自然减少(死亡)", "死亡销户"],
        "moved_out": ["迁出", "外迁", "已迁出", "自然减少(迁出)", "迁出销户"],
    }
)

# --- household ----------------------------------------------------------------------------

HOUSEHOLD_TYPE_LABELS: dict[str, str] = {"tuopin": "脱贫户", "general": "一般农户"}
HOUSEHOLD_TYPE_FROM_LABEL: dict[str, str] = _index(
    {
        "tuopin": ["脱贫户", "已脱贫户", "建档立卡脱贫户", "脱贫人口"],
        "general": ["一般农户", "普通农户", "一般户", "非贫困户", "非建档立卡户", "农户"],
    }
)

MONITORING_STATUS_LABELS: dict[str, str] = {
    "none": "未纳入监测",
    "monitored": "监测中",
    "eliminated": "风险已消除",
}

MONITORING_CATEGORY_LABELS: dict[str, str] = {
    "": "",
    "unstable": "脱贫不稳定户",
    "marginal": "边缘易致贫户",
    "sudden": "突发严重困难户",
}
MONITORING_CATEGORY_FROM_LABEL: dict[str, str] = _index(
    {
        "unstable": ["脱贫不稳定户", "脱贫监测户", "不稳定户", "脱贫不稳定"],
        "marginal": ["边缘易致贫户", "边缘户", "边缘易致贫", "边缘致贫户"],
        "sudden": ["突发严重困难户", "严重困难户", "突发困难户", "突发严重困难"],
    }
)

# INTERFACES 3.3, in that order (the order risk types are written in).
RISK_TYPE_LABELS: dict[str, str] = {
    "illness": "因病",
    "disability": "因残",
    "education": "因学",
    "disaster": "因灾",
    "accident": "因意外事故",
    "business_failure": "因产业项目失败",
    "employment": "因务工就业不稳",
    "labour_loss": "缺劳动力",
    "housing": "住房出现安全问题",
    "water": "饮水安全问题",
    "epidemic": "疫情影响",
    "income": "收入骤减或偏低",
    "other": "其他",
}
RISK_TYPE_FROM_LABEL: dict[str, str] = _index(
    {
        "illness": ["因病", "病", "疾病"],
        "disability": ["因残", "残疾"],
        "education": ["因学", "上学"],
        "disaster": ["因灾", "因自然灾害", "自然灾害", "灾害"],
        "accident": ["因意外事故", "意外事故", "因意外"],
        "business_failure": ["因产业项目失败", "因产业失败", "产业项目失败", "产业失败"],
        "employment": ["因务工就业不稳", "务工就业不稳", "就业不稳", "因就业不稳", "因务工"],
        "labour_loss": ["缺劳动力", "因缺劳动力", "缺劳力", "因缺劳力"],
        "housing": ["住房出现安全问题", "住房安全问题", "住房不安全", "危房", "因住房"],
        "water": ["饮水安全问题", "因安全饮水", "饮水不安全", "安全饮水", "饮水"],
        "epidemic": ["疫情影响", "因疫情影响", "因疫情", "因疫", "疫情"],
        "income": ["收入骤减或偏低", "收入骤减", "收入偏低", "因收入骤减", "因收入偏低"],
        "other": ["其他", "其它", "因其他"],
    }
)

_RISK_ORDER = {code: n for n, code in enumerate(RISK_TYPE_LABELS)}
_SEPARATORS = re.compile(r"[;；、,，/|\n]+")
_SUFFIX = re.compile(r"(致贫|返贫|致贫返贫|返贫致贫)(风险)?$")


def split_labels(value: object) -> list[str]:
    """``"因病；因残、缺劳动力"`` to ``["因病", "因残", "缺劳动力"]``."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def risk_types_from_labels(value: object) -> tuple[list[str], list[str]]:
    """Risk codes in the order of INTERFACES 3.3, and the labels that were not recognised.

    Codes themselves (``illness``) are accepted as well, so an interchange value reads back.
    """
    codes: set[str] = set()
    unknown: list[str] = []
    for label in split_labels(value):
        key = label_key(label)
        code = RISK_TYPE_FROM_LABEL.get(key) or RISK_TYPE_FROM_LABEL.get(_SUFFIX.sub("", key))
        if code is None and key in RISK_TYPE_LABELS:
            code = key
        if code is None:
            unknown.append(label)
        else:
            codes.add(code)
    return sorted(codes, key=_RISK_ORDER.__getitem__), unknown


def risk_types_label(codes: str) -> str:
    """``"illness;income"`` to ``"因病;收入骤减或偏低"``."""
    return ";".join(RISK_TYPE_LABELS[c] for c in codes.split(";") if c)
