"""Background work of movements: the PDF manifests built ahead of the first download."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def build_manifest_documents(movement_id: int) -> int:
    """Once the manifest locks, build the carrier's and the destination government's PDFs as the
    planner would download them, so the first download at the gate is ready. Idempotent: a PDF
    already kept for the revision is not built again. Answers how many versions were built."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from .manifest import CARRIER, GOVERNMENT, manifest_pdf, manifest_prepare
    from .models import Movement

    movement = Movement.objects.select_related("created_by").filter(pk=movement_id).first()
    user = movement.created_by if movement else None
    if user is None or not user.is_active:
        return 0
    built = 0
    for version in (CARRIER, GOVERNMENT):
        try:
            manifest = manifest_prepare(user=user, movement=movement, version=version)
        except (PermissionDenied, ValidationError, Movement.DoesNotExist) as exc:
            logger.info("manifest %s of movement %s not built: %s", version, movement_id, exc)
            continue
        manifest_pdf(manifest, user=user)
        built += 1
    return built
