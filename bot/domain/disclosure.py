"""What association staff may see of their followers: counts, never a group small enough to
single someone out.

A count below the threshold (`COUNT_THRESHOLD`, 5 by default) is never shown: staff read "fewer
than 5". Small groups are not named either (a language, department or stage that fewer than 5
followers have is left out of the lists and of the composer's choices), so combining filters
cannot isolate one person ("Tigrinya, removal order within 7 days: 1"). Pure: no Telegram, no SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class Disclosed:
    """A count as staff may see it: the number, or only that it is below the threshold."""

    value: int | None  # None: fewer than `threshold` (zero included)
    threshold: int

    @property
    def hidden(self) -> bool:
        """Tell whether the count is too small to be shown."""
        return self.value is None


def disclose(count: int, threshold: int = DEFAULT_THRESHOLD) -> Disclosed:
    """Return the count if it is at least the threshold, else only "fewer than threshold"."""
    return Disclosed(count if count >= threshold else None, threshold)


@dataclass(frozen=True)
class DisclosedGroups:
    """Counts by one dimension (language, department, stage) as staff may see them."""

    shown: dict[str, int]  # groups of at least `threshold`, largest first
    others: int  # how many followers are in the groups left out (not shown when small)
    threshold: int

    @property
    def others_disclosed(self) -> Disclosed:
        """Return the followers of the small groups together, as staff may see them."""
        return disclose(self.others, self.threshold)


def disclose_groups(
    groups: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD
) -> DisclosedGroups:
    """Keep the groups of at least `threshold` followers; count the others together."""
    shown = {key: count for key, count in groups.items() if count >= threshold}
    ordered = dict(sorted(shown.items(), key=lambda item: (-item[1], item[0])))
    others = sum(count for key, count in groups.items() if key not in shown)
    return DisclosedGroups(ordered, others, threshold)


def may_reach(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Tell whether a broadcast may go to an audience of `count` followers: never fewer than
    the threshold, so that a message cannot be aimed at one person."""
    return count >= threshold
