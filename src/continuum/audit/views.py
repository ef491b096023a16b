from django.shortcuts import render
from django.views.decorators.http import require_GET

from continuum.audit import selectors


@require_GET
def person_log(request, person_id: int):
    log = selectors.person_access_log(request.user, person_id)
    return render(request, "audit/person_log.html", {"log": log, "person": log.person})
