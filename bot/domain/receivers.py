"""Who must receive an act, and so whose public holidays move its deadline.

A deadline moves (or is said not to move) only for the holidays of the body that must receive
the act, not for those of the place the person lives (domain reference §0.4). The CNDA
(Montreuil), the Conseil d'État, Ofpra (Fontenay-sous-Bois), OFII and the administrative courts
of appeal that hear these cases follow the national holidays. Good Friday and 26 December are
public holidays only in Moselle (57), Bas-Rhin (67) and Haut-Rhin (68): they count for acts
received there, by their prefectures or by the tribunal administratif of Strasbourg (competent
for exactly those three departments).
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.prefectures import prefecture_for

ALSACE_MOSELLE = frozenset({"57", "67", "68"})


class Receiver(StrEnum):
    """The body an act must reach (or that acts) for a rule."""

    OFPRA = "ofpra"
    CNDA = "cnda"
    CONSEIL_ETAT = "conseil_etat"
    COUR_ADMINISTRATIVE_APPEL = "cour_administrative_appel"
    TRIBUNAL_ADMINISTRATIF = "tribunal_administratif"
    # The one-stop shop of the prefecture competent for asylum in the person's department
    # (department 54 registers in Metz, 57).
    GUDA = "guda"
    # The prefecture of the person's own department (asylum certificate, residence permits).
    PREFECTURE = "prefecture"
    OFII = "ofii"

    @property
    def national(self) -> bool:
        """Tell whether this body follows the national holidays wherever the person lives."""
        return self in _NATIONAL


_NATIONAL = frozenset(
    {
        Receiver.OFPRA,
        Receiver.CNDA,
        Receiver.CONSEIL_ETAT,
        Receiver.COUR_ADMINISTRATIVE_APPEL,
        Receiver.OFII,
    }
)


def holiday_area(receiver: Receiver, department: str) -> str | None:
    """Return the department whose holidays apply to an act received by `receiver`.

    None means the national holidays only. The person's own department still decides when the
    post office is closed, for the day by which to post (bot/domain/moments.py).
    """
    if receiver.national:
        return None
    if receiver is Receiver.GUDA:
        area = prefecture_for(department).competent_code
    else:
        area = department
    return area if area in ALSACE_MOSELLE else None
