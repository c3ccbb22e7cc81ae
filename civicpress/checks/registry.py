"""The checks of a build's output files, in the order they are judged.

A new check is one module beside this one (the civicpress.checks.protocol shape) and one line
here; build, ``check`` and ``print`` run them all over their files (civicpress.outputs).
"""

from __future__ import annotations

from typing import Any

from civicpress.checks.links import LinkCheck
from civicpress.checks.personal_data import PersonalDataCheck
from civicpress.checks.privacy import PrivacyGuard
from civicpress.checks.protocol import Check
from civicpress.model import Site


def checks_for(site: Site, guard: PrivacyGuard | None) -> tuple[Check[Any], ...]:
    """``guard``: the public edition's personal-data scan, started on the sources (None: another edition)."""
    checks: list[Check[Any]] = []
    if guard is not None:
        checks.append(PersonalDataCheck(guard))
    checks.append(LinkCheck(site.config.base_url))
    return tuple(checks)
