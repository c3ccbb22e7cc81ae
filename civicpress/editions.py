"""Two editions of one source: what the public website shows, and what the internal edition shows.

The internal edition is printed and handed over in person; it shows everything. The public
edition (the default) leaves out pages marked ``visibility: internal``, pages not yet approved
when the site requires approval, data records marked ``visibility: internal``, and replaces
every private name (the site's list, or ``{{ private("白某某") }}`` in the text) by its masked
form: 白友盛 → 白某.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from civicpress.config import Privacy, SiteConfig
from civicpress.content import VISIBILITY, FrontMatter
from civicpress.options import INTERNAL, PUBLIC

APPROVED, PENDING, DRAFT = "已审", "待审", "草稿"


def is_draft(front: FrontMatter) -> bool:
    """``draft: true`` or ``status: 草稿``: the editor's work in progress, in no edition until she says so.

    ``status: 草稿`` is a draft also where approval is not required: never published by accident.
    """
    return front.draft or front.status == DRAFT

# Two-character surnames keep both characters: 欧阳某, not 欧某.
COMPOUND_SURNAMES = frozenset(
    (
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "令狐",
        "宇文", "澹台", "轩辕", "端木", "司徒", "申屠", "呼延", "独孤", "南宫", "西门", "百里", "东郭",
    )
)


@dataclass(frozen=True)
class Edition:
    name: str
    privacy: Privacy
    require_approval: bool

    @classmethod
    def of(cls, config: SiteConfig, name: str = PUBLIC) -> Edition:
        return cls(name, config.privacy, config.require_approval)

    @property
    def is_public(self) -> bool:
        return self.name == PUBLIC

    def mask(self, name: str) -> str:
        """白友盛 → 白某 (with the default ``{surname}某``); 欧阳明 → 欧阳某."""
        surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
        return self.privacy.mask.replace("{surname}", surname)

    def private(self, name: Any) -> str:
        """``{{ private("白某某") }}`` in an article: the name inside, masked outside."""
        text = str(name)
        return self.mask(text) if self.is_public else text

    def redact(self, text: str) -> str:
        """Every private name of the site's list, masked (public edition only)."""
        if not self.is_public or not self.privacy.private_names or not text:
            return text
        names = sorted(self.privacy.private_names, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(n) for n in names))
        return pattern.sub(lambda m: self.mask(m.group(0)), text)

    def withheld(self, front: FrontMatter, include_drafts: bool = False) -> str:
        """Why a page is left out of this edition, or "" when it is published (a preview shows drafts)."""
        if not self.is_public:
            return ""
        if front.visibility == INTERNAL:
            return "仅限内部版（visibility: internal）"
        if self.awaits_approval(front) and not (include_drafts and is_draft(front)):
            return f"尚未审核通过（status: {front.status or '未填写'}）"
        return ""

    def awaits_approval(self, front: FrontMatter) -> bool:
        """Whether the public edition holds the page back until it is approved (``status: 已审``).

        With ``require_approval`` a page without ``status`` has not been approved: it waits like
        one marked 待审, never published by default.
        """
        return self.require_approval and front.visibility != INTERNAL and front.status != APPROVED

    def pending(self, front: FrontMatter) -> bool:
        """Whether the page waits for review (``check`` lists it): 待审, or approval required and no status.

        A draft or an internal page without status is not waiting: nobody asked for its review.
        """
        if front.status == PENDING:
            return True
        return self.require_approval and not front.status and not front.draft and front.visibility != INTERNAL

    def redact_data(self, value: Any) -> Any:
        """Data for this edition: internal records dropped, private names masked (public only)."""
        if not self.is_public:
            return value
        if isinstance(value, Mapping):
            return MappingProxyType(
                {k: self.redact_data(v) for k, v in value.items() if not _is_internal(v)}
            )
        if isinstance(value, tuple):
            return tuple(self.redact_data(v) for v in value if not _is_internal(v))
        if isinstance(value, str):
            return self.redact(value)
        return value


def _is_internal(value: Any) -> bool:
    return isinstance(value, Mapping) and VISIBILITY.get(str(value.get("visibility", ""))) == INTERNAL
