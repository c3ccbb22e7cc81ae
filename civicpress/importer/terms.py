"""Tags suggested from a report's frequent terms.

Without a segmenter, a term is a run of two to four Chinese characters that recurs, does not
start or end with a function character (的, 了, 和 …), and is not a word every report uses
(工作, 我们 …). Longer terms that recur as often as their parts win over the parts.
"""

from __future__ import annotations

import re
from collections import Counter

from civicpress.importer.hanzi_frequency import WORD_SET

MAX_TAGS = 4
MIN_COUNT = 3
_EDGE = set(
    "的了和与及是在为对把将被等也都而并从向以于之其这那个些着过就还又再很更最所各每有到上下中不"
    "一二三四五六七八九十几两次"
)
_PREFIXES = ("社区", "居民", "我们")  # every community report says them: 社区党委 is the 党委
_GENERIC = {
    "工作", "我们", "他们", "开展", "进行", "加强", "建设", "社区", "发展", "问题", "活动", "群众", "居民",
    "一个", "一些", "通过", "提高", "积极", "组织", "重要", "实际", "同时", "几年", "年来", "先后", "不断",
    "今年", "去年", "全面", "充分", "坚持", "始终", "认真", "进一步", "深入", "扎实", "工作的",
}
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def suggest_tags(text: str, limit: int = MAX_TAGS) -> list[str]:
    counts: Counter[str] = Counter()
    for run in _HAN_RUN.findall(text):
        for size in (2, 3, 4):
            for start in range(len(run) - size + 1):
                term = run[start : start + size]
                if term[0] in _EDGE or term[-1] in _EDGE:
                    continue
                counts[term] += 1

    def plausible(term: str) -> bool:
        if term in _GENERIC or counts[term] < MIN_COUNT or (len(term) > 2 and term.startswith(_PREFIXES)):
            return False
        if len(term) == 2:
            return term in WORD_SET
        # a longer term should be made of words, not straddle two
        return term[:2] in WORD_SET and term[-2:] in WORD_SET

    ranked = sorted(
        (term for term in counts if plausible(term)),
        key=lambda t: (-(counts[t] * (len(t) - 1) ** 1.5), t),
    )
    chosen: list[str] = []
    for term in ranked:
        if any(term in other or other in term for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen
