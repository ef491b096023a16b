"""Who the records named in referrals' URLs are about, for the audit backstop (audit/pages.py)."""

from continuum.audit.pages import subjects
from continuum.referrals.models import InformationRequest, Referral


@subjects("referral_id")
def referral(referral_id: int) -> list[int]:
    return list(Referral.objects.filter(pk=referral_id).values_list("child_id", flat=True))


@subjects("request_id")
def information_request(request_id: int) -> list[int]:
    return list(
        InformationRequest.objects.filter(pk=request_id).values_list(
            "referral__child_id", flat=True
        )
    )
