"""Departments of metropolitan France and the prefecture competent to register an asylum claim.

Data: `data/towns.csv` lists the prefecture town of every department and the large cities, so a
person may type the town they live in (the prefecture towns and communes of more than about
50,000 inhabitants, compiled by hand; INSEE's code officiel géographique was not re-read).
`data/prefectures.csv`, from Service-Public F2232 (seed 003, table dated 19/07/2024) cross-
checked with seed 001; "Préfecture de Caen (50)" corrected to Calvados (14) (domain reference §3,
conflict 11). Overseas departments are recognised and refused plainly: their rules differ.
"""

from __future__ import annotations

import csv
import difflib
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
    """The department is unknown, ambiguous, or not covered (overseas).

    `suggestion` is the department of a close spelling, to offer ("Did you mean ...?").
    """

    def __init__(self, message: str, suggestion: Prefecture | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


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
    """Return the department a person typed: its number in any digits (٩٣, ۹۳), a postcode
    (93000; Corsica 20000-20190 is 2A, 20200-20620 2B), its name, or a town (the prefecture
    towns and the large cities: "Lyon", "St Denis", "bobigny"); accents, case, hyphens and
    "St"/"Ste" ignored. DepartmentError carries a close spelling to suggest, if there is one."""
    cleaned = _digits(text.strip())
    compact = cleaned.replace(" ", "")
    if compact.isdigit() and len(compact) == 5:
        return prefecture_for(_from_postcode(compact))
    if cleaned[:3].isdigit() or normalise_code(cleaned) in {"2A", "2B", "20"} or cleaned.isdigit():
        return prefecture_for(cleaned)
    wanted = _fold(cleaned)
    names = _names()
    if wanted in names:
        return prefecture_for(names[wanted])
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.8)
    suggestion = all_prefectures().get(names[close[0]]) if close else None
    raise DepartmentError(
        f"'{cleaned}' is not a department name or number we know", suggestion=suggestion
    )


def _digits(text: str) -> str:
    """Return text with every decimal digit (Arabic-Indic, Persian...) as an ASCII digit."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _from_postcode(postcode: str) -> str:
    """Return the department of a postcode (overseas: 971..976; Corsica by its ranges)."""
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if int(postcode) < 20200 else "2B"
    return postcode[:2]


@cache
def _names() -> dict[str, str]:
    """Return every department name, overseas name and town, folded, with its department."""
    names = {_fold(p.department_name): code for code, p in all_prefectures().items()}
    names |= {_fold(name): code for code, name in OVERSEAS.items()}
    text = resources.files("bot.domain").joinpath("data/towns.csv").read_text("utf-8")
    names |= {
        _fold(row["town"]): row["department_code"] for row in csv.DictReader(text.splitlines())
    }
    return names


def _fold(text: str) -> str:
    """Lower-case, strip accents and separators, "St"/"Ste" spelled out: forgiving matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    words = [_ABBREVIATIONS.get(word, word) for word in plain.split()]
    return "".join(words)


_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
