"""The sitreps' part of the outbox: who may see a sitrep's delivery log. A published sitrep goes
to the crisis's coordination list (``outbox.audiences.AUDIENCES``: ``sitrep.published``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outbox.audiences import subject_check

from .selectors import sitreps_visible_to

if TYPE_CHECKING:
    from accounts.models import User


@subject_check("sitrep")
def sitrep_visible(user: User, pk: int) -> bool:
    return sitreps_visible_to(user).filter(pk=pk).exists()
