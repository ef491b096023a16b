from django.conf import settings


def service(request):
    return {
        "service_name": settings.CONTINUUM_SERVICE_NAME,
        "area_name": settings.CONTINUUM_AREA_NAME,
        "demo_mode": settings.DEMO_MODE,
    }
