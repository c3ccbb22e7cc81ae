"""Tags suggested from a report's frequent terms, found by word segmentation (rjieba).

A term is a noun the segmenter finds (a common noun, an organisation, a place, a verb used as a
noun such as 服务), or two such nouns written together that recur as a pair (垃圾 + 分类 →
垃圾分类). Person names are never suggested (a tag is public), nor words every community report
uses (工作, 社区 …). The segmenter's dictionary is fixed, so the same text always gives the same
tags.
"""

from __future__ import annotations

import itertools
from collections import Counter

import rjieba

MAX_TAGS = 4
MIN_COUNT = 3
_NOUNS = frozenset({"n", "nz", "nt", "ns", "vn", "j", "l"})  # never nr, nrt, nrfg: a person's name
_GENERIC = {
    "工作", "我们", "他们", "社区", "居民", "群众", "问题", "活动", "情况", "方面", "作用", "时间", "同志",
    "全体", "发展", "建设", "服务", "管理", "单位", "部门", "领导", "人员", "大家", "地方", "过程", "基础",
    "水平", "能力", "意识", "形式", "措施", "重点", "任务", "成效", "成绩", "实际", "要求", "目标", "时候",
    "国家", "社会", "人民", "生活", "环境", "精神", "政府", "年度", "今年", "去年", "全年", "一年", "以来",
}
LONGEST = 8  # a compound longer than this reads as a phrase, not a tag


def _nouns(text: str) -> list[str | None]:
    """The text's words in order: each noun, or None for any other word (it breaks a compound)."""
    return [word if flag in _NOUNS and len(word) >= 2 and _han(word) else None
            for word, flag in rjieba.tag(text)]


def _han(word: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" for char in word)


def suggest_tags(text: str, limit: int = MAX_TAGS) -> list[str]:
    words = _nouns(text)
    counts: Counter[str] = Counter(word for word in words if word is not None)
    for first, second in itertools.pairwise(words):
        if first and second and first not in _GENERIC and second not in _GENERIC and len(first + second) <= LONGEST:
            counts[first + second] += 1

    def plausible(term: str) -> bool:
        return counts[term] >= MIN_COUNT and term not in _GENERIC and not term.startswith(("社区", "居民"))

    ranked = sorted((term for term in counts if plausible(term)), key=lambda t: (-counts[t] * len(t), t))
    chosen: list[str] = []
    for term in ranked:
        if any(term in other or other in term for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen
