"""The public edition's personal-data check: page sources first, then every output file.

``scan_sources`` reads what editors wrote (titles, summaries, bodies, intros) and reports each
value at its file and line; :class:`PersonalDataCheck` then scans every output file (the
civicpress.checks.protocol shape) and reports what came from elsewhere (templates, data,
attachments, image metadata) at the output file, each value once per build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from civicpress.checks.attachments import PassageCache
from civicpress.checks.privacy import PrivacyGuard, Sighting
from civicpress.errors import Finding, Findings
from civicpress.model import Page, Site
from civicpress.options import PUBLIC


def scan_sources(
    site: Site, edition: str, findings: Findings, pages: Sequence[Page] | None = None,
    cache: PassageCache | None = None,
) -> PrivacyGuard | None:
    """The public edition's scan of the published source text of ``pages`` (all); None for other editions."""
    if edition != PUBLIC:
        return None
    privacy = site.config.privacy
    attachments = {url.lstrip("/"): f"content/{rel}" for rel, url in site.assets.items()}  # named as the editor knows
    guard = PrivacyGuard(privacy.private_names, (a.value for a in privacy.allow), attachments, cache)
    for page in site.pages if pages is None else pages:
        findings.extend(guard.scan_source(page.title, page.source, page.location("title").line or 1))
        if page.front.summary:
            findings.extend(guard.scan_source(page.summary, page.source, page.location("summary").line or 1))
        findings.extend(guard.scan_source(page.body, page.source, page.body_line))
    for intro in (site.home_intro, *(s.intro for s in site.sections)):
        if intro is not None:
            findings.extend(guard.scan_source(intro.body, intro.source, intro.body_line))
    return guard


class PersonalDataCheck:
    """Every output file of the public edition: ID, phone and card numbers, private names, EXIF."""

    name = "personal data"
    quiet_after_errors = False

    def __init__(self, guard: PrivacyGuard) -> None:
        self.guard = guard

    def __repr__(self) -> str:
        return "PersonalDataCheck()"

    def scan(self, path: str, data: bytes) -> tuple[Sighting, ...]:
        return tuple(self.guard.survey(path, data))

    def judge(self, records: Iterable[tuple[str, tuple[Sighting, ...]]], present: Iterable[str]) -> list[Finding]:
        found: list[Finding] = []
        for _, sightings in records:  # a value is reported once, at its first file in the build's order
            found += self.guard.admit(sightings)
        return found

    def dump(self, record: tuple[Sighting, ...]) -> Any:
        return [[list(key), finding.as_json()] for key, finding in record]

    def load(self, path: str, raw: Any) -> tuple[Sighting, ...]:
        return tuple(((str(key[0]), str(key[1])), Finding.from_json(finding)) for key, finding in raw)
