"""Set up the test provider's database: `migrate`, then `client` (a confidential client with
its redirect URIs) and `user` (a person who can sign in at the provider)."""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_idp.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["migrate", "client", "user"])
    parser.add_argument("--client-id")
    parser.add_argument("--secret")
    parser.add_argument("--redirect-uri", action="append", default=[])
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--email")
    args = parser.parse_args(argv)
    if args.action == "migrate":
        call_command("migrate", interactive=False, verbosity=0)
    elif args.action == "client":
        app = Application.objects.filter(client_id=args.client_id).first()
        if app is None:
            app = Application(
                client_id=args.client_id,
                client_secret=args.secret,
                name="Continuum",
                client_type=Application.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                algorithm=Application.RS256_ALGORITHM,
                skip_authorization=True,
            )
        uris = set(app.redirect_uris.split()) | set(args.redirect_uri)
        app.redirect_uris = " ".join(sorted(uris))
        app.save()
    else:
        user, _ = get_user_model().objects.get_or_create(username=args.username)
        user.email = args.email
        user.set_password(args.password)
        user.save()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
