"""Hub API: registers taken offline on a tablet are uploaded here."""

from __future__ import annotations

import uuid

from ninja import Router, Schema

from continuum.governance.access import Access
from continuum.hubs import access, services
from continuum.hubs.models import Attendance

router = Router(tags=["hubs"])


class RegisterIn(Schema):
    register_uuid: uuid.UUID
    attended: list[int] = []
    walk_ins: list[int] = []


class RegisterOut(Schema):
    register_uuid: uuid.UUID
    session_id: int
    already_uploaded: bool
    attended_at_session: int


@router.post(
    "/hubs/sessions/{int:session_id}/registers",
    response={200: RegisterOut, 201: RegisterOut},
    summary="Upload a register (idempotent by register_uuid)",
)
def upload_register(request, session_id: int, payload: RegisterIn):
    """Generate `register_uuid` on the device when the register is taken. Uploading the same
    register again answers 200 with `already_uploaded: true` and counts nobody twice. A cancelled
    session answers 422."""
    session = access.session_for_user(request.user, session_id, need=Access.EDIT)
    register, created = services.register_submit(
        actor=request.user,
        session=session,
        register_uuid=payload.register_uuid,
        attended=payload.attended,
        walk_ins=payload.walk_ins,
        offline=True,
    )
    out = RegisterOut(
        register_uuid=register.uuid,
        session_id=session.pk,
        already_uploaded=not created,
        attended_at_session=Attendance.objects.filter(session=session).count(),
    )
    return (201 if created else 200), out
