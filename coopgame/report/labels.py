"""Display labels of reports and figures: the cities' Chinese names and the report's fixed headings in Chinese.

Players keep their English names as identifiers everywhere (model files,
results, JSON); ``labels="zh"`` changes only what a reader sees: a city that
is in the seed city tables (``seeds/cities/*.csv``, column ``city_zh``) is
shown by its Chinese name, any other player (``"city A"``, ``"central
government"``) keeps its name. The report's fixed headings and the figures'
fixed words have a small Chinese dictionary; section titles are translated
by their fixed leading words, the rest of a title (a game's label) is kept.

Examples
--------
>>> display_name("Beijing", "zh")
'北京市'
>>> display_name("city A", "zh"), display_name("Beijing", "en")
('city A', 'Beijing')
>>> translate("Where the numbers come from", "zh")
'数据来源'
>>> translate("Allocation by solution concept (alpha game)", "zh")
'各解概念下的分配 (alpha game)'
>>> translate("Fund flows under the Shapley rule (alpha game)", "zh")
'Shapley 规则下的基金流向 (alpha game)'
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from coopgame.errors import InvalidParameterError

__all__ = ["LABELS", "check_labels", "city_names_zh", "display_name", "display_names", "translate",
           "translate_names"]

LABELS = ("en", "zh")
"""The label languages: ``"en"`` (the players' identifiers) and ``"zh"`` (Chinese names and headings)."""


def check_labels(value: Any, func: str, name: str = "labels") -> str:
    """``value`` if it is one of :data:`LABELS`, else an :class:`~coopgame.errors.InvalidParameterError`.

    >>> check_labels("zh", "render_html")
    'zh'
    """
    if not isinstance(value, str) or value not in LABELS:
        raise InvalidParameterError(f"{func}(): {name} must be one of {list(LABELS)}; got "
                                    f"{type(value).__name__} {value!r}"[:300])
    return value


@functools.lru_cache(maxsize=1)
def _city_table() -> Mapping[str, str]:
    from coopgame.models.seeds import data_dir

    names: dict[str, str] = {}
    for path in sorted((data_dir("seeds") / "cities").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if not {"city_en", "city_zh"} <= set(reader.fieldnames or ()):
                continue
            for row in reader:
                en, zh = (row["city_en"] or "").strip(), (row["city_zh"] or "").strip()
                if en and zh:
                    names.setdefault(en, zh)
    return MappingProxyType(names)


def city_names_zh() -> Mapping[str, str]:
    """English city name (the seeds' ``city_en``) -> Chinese name (``city_zh``), over every seed city table.

    >>> city_names_zh()["Chengdu"]
    '成都市'
    """
    return _city_table()


def _check_text(value: Any, func: str, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidParameterError(f"{func}(): {name} must be a str; got {type(value).__name__} {value!r}"[:300])
    return value


def display_name(player: str, labels: str = "en") -> str:
    """How ``player`` is shown under ``labels``: its Chinese name for ``"zh"`` when the seeds have one."""
    _check_text(player, "display_name", "player")
    if check_labels(labels, "display_name") == "zh":
        return _city_table().get(player, player)
    return player


def display_names(players: Iterable[str], labels: str = "en") -> dict[str, str]:
    """``{player: shown name}`` for each of ``players`` (see :func:`display_name`).

    >>> display_names(["Chengdu", "Chongqing"], "zh")
    {'Chengdu': '成都市', 'Chongqing': '重庆市'}
    """
    check_labels(labels, "display_names")
    if isinstance(players, (str, bytes)) or not isinstance(players, Iterable):
        raise InvalidParameterError(f"display_names(): players must be a sequence of str names; got "
                                    f"{type(players).__name__} {players!r}"[:300])
    return {_check_text(p, "display_names", "players[...]"): display_name(p, labels) for p in players}


# Fixed headings and words of the report and its figures. Titles are matched whole, then by leading words.
_ZH: dict[str, str] = {
    "Contents": "目录",
    "Overview": "概览",
    "Where the numbers come from": "数据来源",
    "Not computed": "未计算",
    "Policy answer": "政策结论",
    "Who pays whom": "资金流向（谁向谁支付）",
    "Allocation by solution concept": "各解概念下的分配",
    "Allocation by sharing rule": "各分配规则下的分配",
    "Fund flows": "基金流向",
    "Replicator dynamics": "复制者动态",
    "Replicator phase portrait": "复制者动态相图",
    "Uncertainty": "不确定性",
    "Pure equilibria": "纯策略均衡",
    "Nash equilibria": "纳什均衡",
    "Equilibria": "均衡",
    "Efficiency": "效率",
    "The core": "核心",
    "Core": "核心",
    "Outside options": "外部选择",
    "Transfers": "转移支付",
    "Game": "博弈",
    "Rule": "规则",
    "Sharing rules compared": "分配规则比较",
    "Parameter sweep": "参数扫描",
    "Computed in": "计算用时",
    "Allocations by rule (net transfer in brackets)": "各规则下的分配（括号内为净转移）",
    "Contract transfer by upstream effort": "按上游努力的合同转移支付",
    "Cooperation fund mechanism": "合作基金机制",
    "Evolutionary dynamics (two-population replicator)": "演化动态（两群体复制者动态）",
    "Fund settlement under the negotiated rule": "协商规则下的基金结算",
    "Fund sharing rules compared": "基金分配规则比较",
    "Margins by rule against the outside options": "各规则相对外部选择的余量",
    "Price of anarchy and stability": "无政府代价与稳定代价",
    "Pure Nash equilibria": "纯策略纳什均衡",
    "Relocated firm's tax by year after production starts": "迁移企业投产后各年税收",
    "Relocation tax sharing (2015 rule) for a representative firm, by year after production starts":
        "代表性企业的迁移税收分享（2015 年规则），按投产后年份",
    "Self-enforcing transfers": "自我执行的转移支付",
    "Stock/increment rule: each keeps its stock, the increment is split": "存量/增量规则：各自保留存量，分享增量",
    "Tax-base pool: contributions, distribution and net position": "税基池：缴纳、分配与净头寸",
    "The game: payoffs of each profile": "博弈：各策略组合的收益",
    "Tripartite game: eigenvalues of the Jacobian at the pure rest points": "三方博弈：纯静止点处雅可比矩阵的特征值",
    "Tripartite game: payoff matrix": "三方博弈：收益矩阵",
    "Tripartite game: stability of the pure rest points (Friedman 1991)": "三方博弈：纯静止点的稳定性（Friedman 1991）",
    "long-run regime of the replicator dynamics": "复制者动态的长期状态",
    "payer": "支付方",
    "receiver": "接收方",
    "amount": "金额",
    "rule": "规则",
    "city": "城市",
    "status quo": "现状",
    "payoff": "收益",
    "cost share": "成本分摊",
    "net transfer": "净转移",
    "pays": "支付",
    "receives": "接收",
    "initial shares": "初始比例",
    "no transfers": "无转移支付",
}
_PREFIXES = sorted(_ZH, key=len, reverse=True)
_ZH_PATTERNS = (   # titles with a name inside them
    (re.compile(r"^Fund flows under the (.+?) rule"), r"\1 规则下的基金流向"),
    (re.compile(r"^Rule: (.+)$"), r"规则：\1"),
)


def translate(text: str, labels: str = "en") -> str:
    """``text`` in the language of ``labels``: a fixed heading whole, or its fixed leading words.

    Text without a Chinese entry is returned as it is.
    """
    _check_text(text, "translate", "text")
    if check_labels(labels, "translate") != "zh":
        return text
    if text in _ZH:
        return _ZH[text]
    for pattern, replacement in _ZH_PATTERNS:
        if pattern.match(text):
            return pattern.sub(replacement, text, count=1)
    for key in _PREFIXES:   # longest first: "Allocation by solution concept" before "Allocation"
        if text.startswith(key) and (len(text) == len(key) or not text[len(key)].isalnum()):
            return _ZH[key] + text[len(key):]
    return text


def translate_names(text: str, labels: str = "en", players: Iterable[str] | None = None) -> str:
    """``text`` with every whole-word English city name replaced by its Chinese name (for ``"zh"``).

    ``players`` limits the names replaced (default: every seed city).

    >>> translate_names("Chengdu pays Chongqing 1.5", "zh")
    '成都市 pays 重庆市 1.5'
    """
    _check_text(text, "translate_names", "text")
    if check_labels(labels, "translate_names") != "zh" or not text:
        return text
    table = _city_table()
    names = [p for p in (table if players is None else players) if p in table]
    if not names:
        return text
    pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?![\w])")
    return pattern.sub(lambda m: table[m.group(1)], text)
