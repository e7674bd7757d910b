"""Department lookups and the competent prefecture (domain reference §5, seed 003 table)."""

from __future__ import annotations

import pytest

from bot.domain.prefectures import (
    DepartmentError,
    OverseasDepartmentError,
    all_prefectures,
    find_department,
    prefecture_for,
)


def test_table_covers_the_96_metropolitan_departments() -> None:
    """01-95 without 20, plus 2A and 2B: 96 departments, each with a competent prefecture."""
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    table = all_prefectures()
    assert set(table) == expected
    assert all(p.competent_prefecture.startswith("Préfecture") for p in table.values())


@pytest.mark.parametrize(
    ("typed", "code", "prefecture"),
    [
        ("93", "93", "Préfecture de la Seine-Saint-Denis (Bobigny, 93)"),
        (" 93 ", "93", "Préfecture de la Seine-Saint-Denis (Bobigny, 93)"),
        ("2a", "2A", "Préfecture des Bouches-du-Rhône (Marseille, 13)"),
        ("2B", "2B", "Préfecture des Bouches-du-Rhône (Marseille, 13)"),
        ("9", "09", "Préfecture de la Haute-Garonne (Toulouse, 31)"),
        ("14", "14", "Préfecture du Calvados (Caen, 14)"),
        # §3 conflict 11: seeds say "Préfecture de Caen (50)"; Caen is in Calvados (14).
        ("50", "50", "Préfecture du Calvados (Caen, 14)"),
        ("95", "95", "Préfecture du Val-d'Oise (Cergy-Pontoise, 95)"),
    ],
)
def test_prefecture_for_code(typed: str, code: str, prefecture: str) -> None:
    """A code as people type it gives the canonical code and the competent prefecture."""
    found = prefecture_for(typed)
    assert (found.department_code, found.competent_prefecture) == (code, prefecture)


def test_department_names() -> None:
    """Calvados and Manche are found by name, both registering in Caen."""
    assert find_department("Calvados").department_code == "14"
    manche = find_department("Manche")
    assert (manche.department_code, manche.competent_prefecture) == (
        "50",
        "Préfecture du Calvados (Caen, 14)",
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Ariège", "09"),
        ("ariege", "09"),
        ("Val-d'Oise", "95"),
        ("val d oise", "95"),
        ("VAL D’OISE", "95"),
        ("Hérault", "34"),
        ("herault", "34"),
        ("corse du sud", "2A"),
        ("Seine-Saint-Denis", "93"),
        ("2a", "2A"),
        ("9", "09"),
    ],
)
def test_find_department_with_or_without_accents(typed: str, code: str) -> None:
    """Names match with or without accents, case, hyphens or apostrophes; codes work too."""
    assert find_department(typed).department_code == code


def test_pilot_flag_only_for_val_d_oise() -> None:
    """Only Val-d'Oise is a France Asile pilot (§4: Cergy-Pontoise since 19 May 2025)."""
    pilots = [code for code, p in all_prefectures().items() if p.france_asile_pilot]
    assert pilots == ["95"]


@pytest.mark.parametrize(
    "code",
    [
        "971",
        "972",
        "973",
        "974",
        "975",
        "976",
    ],
)
def test_overseas_codes_are_refused_as_overseas(code: str) -> None:
    """Overseas codes 971-976 are recognised and refused with the overseas error."""
    with pytest.raises(OverseasDepartmentError):
        prefecture_for(code)


@pytest.mark.parametrize("name", ["Mayotte", "guyane", "Guadeloupe"])
def test_overseas_names_are_refused_as_overseas(name: str) -> None:
    """Overseas department names are refused with the overseas error too."""
    with pytest.raises(OverseasDepartmentError):
        find_department(name)


@pytest.mark.parametrize("typed", ["20", "00", "96", "abc", "", "2C", "100"])
def test_unknown_departments_are_refused(typed: str) -> None:
    """Corsica's old 20, 00, 96, letters and empty text are refused with DepartmentError."""
    with pytest.raises(DepartmentError) as caught:
        find_department(typed)
    assert not isinstance(caught.value, OverseasDepartmentError)
    with pytest.raises(DepartmentError):
        prefecture_for(typed)


def test_corsica_20_says_which_codes_to_use() -> None:
    """20 is ambiguous: the message names 2A and 2B."""
    with pytest.raises(DepartmentError, match="2A.*2B"):
        prefecture_for("20")
