"""Statistical disclosure control, the one rule for small counts: a count of 1 to 4 that leaves
the organisation is shown as "<5", so that nobody can be singled out from an aggregate
(docs/domain.md "Sensitive records"). Who sees suppressed counts is each app's rule
(displacement: partners; situation reports: every version outside the office)."""

from __future__ import annotations

SMALL = "<5"


def suppressed(value: int | None) -> int | str | None:
    """The count as it may leave: 1 to 4 becomes "<5"; none, 0 and 5 or more stay as they are."""
    if value is not None and 0 < value < 5:
        return SMALL
    return value
