"""The HTTP API. OpenAPI 3 document at /api/openapi.json, interactive docs at /api/docs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError

from continuum.core.apiinput import CheckedParser, validation_errors
from continuum.core.auth import BrowserSessionAuth, TokenAuth
from continuum.core.ratelimit import RateLimited
from continuum.people.errors import ConflictError

api = NinjaAPI(
    title="Continuum API",
    version="1",
    description=(
        "One child, one record, every agency. Agency systems authenticate with a bearer token; "
        "the browser uses its session. A record you may not see answers 404, exactly like one "
        "that does not exist; 403 means you may see it but not change it. Every call is audited."
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
    parser=CheckedParser(),  # text with a null character is refused as a field error
)


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [m for e in errs for m in e.messages] for field, errs in exc.error_dict.items()
        }
    return {"__all__": list(exc.messages)}


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    return api.create_response(
        request, {"detail": "Invalid input", "errors": _errors(exc)}, status=422
    )


@api.exception_handler(SchemaValidationError)
def _schema_error(request, exc: SchemaValidationError):
    # A wrong type or a missing field answers in the same shape as a service's refusal.
    return api.create_response(
        request, {"detail": "Invalid input", "errors": validation_errors(exc, request)}, status=422
    )


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(ConflictError)
def _conflict(request, exc: ConflictError):
    return api.create_response(
        request,
        {
            "detail": str(exc),
            "current_version": exc.current_version,
            "changed": {f: {"yours": str(a), "saved": str(b)} for f, (a, b) in exc.changed.items()},
        },
        status=409,
    )


api.add_router("/", "continuum.people.api.router")
api.add_router("/", "continuum.hubs.api.router")
api.add_router("/", "continuum.linkage.api.router")
api.add_router("/", "continuum.referrals.api.router")
api.add_router("/", "continuum.casework.api.router")
