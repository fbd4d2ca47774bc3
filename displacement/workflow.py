"""The assessment round's state machine: ``open -> submitted -> validated``, and back to ``open``
when the validator returns a submitted round for more work.

Staff of the crisis's office enter the assessments and submit the round; the office's Chief of
Mission or HQ validates it, and never the person who submitted it (docs/domain.md "Displacement
tracking"). A validated round is closed: its assessments change only by a correction with a reason
(``displacement.services.assessment_correct``). The shape is ``core.machine``'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.machine import Machine, Reason, Transition

from .models import RoundStatus as S

if TYPE_CHECKING:
    from accounts.models import User

    from .models import AssessmentRound

OFFICE = "office"  # staff of the crisis's office
VALIDATOR = "validator"  # the office's Chief of Mission or HQ, not the submitter


def side_of(user: User, round: AssessmentRound) -> str | None:
    """The side ``user`` acts on for ``round``: a validator for a submitted round they did not submit,
    the office for any other round of their office's crisis, or neither."""
    office_id = round.crisis.office_id
    may_validate = user.is_hq or (user.is_office_staff and user.is_chief_of(office_id))
    if round.status == S.SUBMITTED and may_validate and round.submitted_by_id != user.pk:
        return VALIDATOR
    if user.is_office_staff and office_id in user.office_ids:
        return OFFICE
    return None


def _has_assessments(round: AssessmentRound) -> None:
    if not round.assessments.exists():
        raise ValidationError({"to": [_("Enter at least one site's assessment before submitting the round.")]})


def _moved(round: AssessmentRound, previous: str) -> dict[str, Any]:
    return {"from": previous, "to": round.status, "number": round.number}


ROUND = Machine(
    statuses=S,
    initial=S.OPEN,
    transitions=(
        Transition(
            "submit",
            _("Submit for validation"),
            frozenset({S.OPEN}),
            S.SUBMITTED,
            OFFICE,
            "round.submitted",
            _moved,
            stamps=("submitted_at",),
            checks=(_has_assessments,),
        ),
        Transition(
            "validate",
            _("Validate the round"),
            frozenset({S.SUBMITTED}),
            S.VALIDATED,
            VALIDATOR,
            "round.validated",
            _moved,
            stamps=("validated_at",),
        ),
        Transition(
            "return",
            _("Return for more work"),
            frozenset({S.SUBMITTED}),
            S.OPEN,
            VALIDATOR,
            "round.returned",
            _moved,
            reason=Reason("return_reason", _("Say what needs more work.")),
        ),
    ),
    open=frozenset({S.OPEN, S.SUBMITTED}),
    closed=frozenset({S.VALIDATED}),
    refused={
        OFFICE: _("Only staff of the crisis's office may %(action)s."),
        VALIDATOR: _(
            "Only the office's Chief of Mission or HQ may %(action)s, and never the person who submitted the round."
        ),
    },
    illegal=_("A round that is %(status)s cannot become %(target)s."),
)
