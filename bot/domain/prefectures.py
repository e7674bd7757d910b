"""Departments of metropolitan France and the prefecture competent to register an asylum claim.

Data: `data/prefectures.csv`, from Service-Public F2232 (seed 003, table dated 19/07/2024) cross-
checked with seed 001; "Préfecture de Caen (50)" corrected to Calvados (14) (domain reference §3,
conflict 11). Overseas departments are recognised and refused plainly: their rules differ.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

OVERSEAS = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "975": "Saint-Pierre-et-Miquelon",
    "976": "Mayotte",
}
SOURCES = (
    "seeds/003_cf90af5d33ee6442.txt (Service-Public F2232, banner 19/07/2024)",
    "seeds/001_760275431b617da6.txt (Service-Public 'réexamen', verified 29/10/2019)",
)
# Since 19 May 2025 the Val-d'Oise one-stop shop is the Cergy-Pontoise "Espace France Asile".
FRANCE_ASILE_PILOTS = frozenset({"95"})


class DepartmentError(ValueError):
    """The department is unknown, ambiguous, or not covered (overseas)."""


class OverseasDepartmentError(DepartmentError):
    """An overseas department: recognised, but its rules are not covered yet."""


@dataclass(frozen=True)
class Prefecture:
    """A metropolitan department and the prefecture that registers asylum claims for it."""

    department_code: str
    department_name: str
    competent_prefecture: str
    region: str

    @property
    def competent_code(self) -> str:
        """Return the department of the competent prefecture ("Préfecture ... (Metz, 57)" -> 57)."""
        found = re.search(r",\s*(\w{2,3})\)$", self.competent_prefecture)
        return found.group(1) if found else self.department_code

    @property
    def france_asile_pilot(self) -> bool:
        """Tell whether the claim is introduced on the spot at an Espace France Asile."""
        return self.department_code in FRANCE_ASILE_PILOTS


@cache
def all_prefectures() -> dict[str, Prefecture]:
    """Return every metropolitan department, keyed by code (01..95, 2A, 2B)."""
    text = resources.files("bot.domain").joinpath("data/prefectures.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {row["department_code"]: Prefecture(**row) for row in rows}


def normalise_code(code: str) -> str:
    """Return the canonical department code for what was typed (" 9 " -> "09", "2a" -> "2A")."""
    cleaned = code.strip().upper()
    if cleaned.isdigit() and len(cleaned) == 1:
        cleaned = f"0{cleaned}"
    return cleaned


def prefecture_for(code: str) -> Prefecture:
    """Return the competent prefecture for a department code, or raise DepartmentError."""
    cleaned = normalise_code(code)
    if cleaned in OVERSEAS:
        name = OVERSEAS[cleaned]
        raise OverseasDepartmentError(
            f"{cleaned} ({name}) is an overseas department: its asylum rules and deadlines differ "
            "and are not covered yet. Please ask a local association or the prefecture."
        )
    if cleaned == "20":
        raise DepartmentError("Corsica has two departments: 2A (Corse-du-Sud) or 2B (Haute-Corse)")
    try:
        return all_prefectures()[cleaned]
    except KeyError:
        raise DepartmentError(
            f"'{code.strip()}' is not a department of metropolitan France (01 to 95, 2A, 2B)"
        ) from None


def find_department(text: str) -> Prefecture:
    """Return the department a person typed, by code or by name (accents and case ignored)."""
    cleaned = text.strip()
    if cleaned[:3].isdigit() or normalise_code(cleaned) in {"2A", "2B", "20"} or cleaned.isdigit():
        return prefecture_for(cleaned)
    wanted = _fold(cleaned)
    for prefecture in all_prefectures().values():
        if _fold(prefecture.department_name) == wanted:
            return prefecture
    for code, name in OVERSEAS.items():
        if _fold(name) == wanted:
            return prefecture_for(code)
    raise DepartmentError(f"'{cleaned}' is not a department name or number we know")


def _fold(text: str) -> str:
    """Lower-case, strip accents and separators, for forgiving name matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = (ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in letters if ch.isalnum())
