from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Continuum with waitress (a production-grade WSGI server) on HOST:PORT."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from continuum.wsgi import application

        self.stdout.write(f"Serving {settings.CONTINUUM_SERVICE_NAME} on http://{host}:{port}/")
        serve(application, host=host, port=port, threads=threads, ident="continuum")
