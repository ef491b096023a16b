"""`oidc_idp`: the test OpenID Connect provider running in a subprocess for the test session,
and `sso`: Continuum configured (for one test) to offer single sign-on with it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8113, 8120)  # loopback ports set aside for this provider; any free one otherwise
CLIENT_ID = "continuum-test-client"
CLIENT_SECRET = "continuum-test-client-secret"
PROVIDER_ID = "testidp"
PROVIDER_NAME = "Test IdP"


def _free_port() -> int:
    for port in [*PORTS, 0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free loopback port")


def _rsa_private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class IdP:
    url: str
    env: dict

    @property
    def server_url(self) -> str:
        return f"{self.url}/o"

    def _provision(self, *args: str) -> None:
        subprocess.run(  # our own interpreter, fixed arguments
            [sys.executable, "-m", "tests.oidc_idp.provision", *args],
            env=self.env, cwd=ROOT, check=True, timeout=60, capture_output=True,
        )  # fmt: skip

    def allow_redirect(self, uri: str) -> None:
        self._provision(
            "client", "--client-id", CLIENT_ID, "--secret", CLIENT_SECRET, "--redirect-uri", uri
        )

    def add_user(self, *, username: str, password: str, email: str) -> None:
        self._provision("user", "--username", username, "--password", password, "--email", email)


@pytest.fixture(scope="session")
def oidc_idp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-idp")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CONTINUUM_"))},
        "DJANGO_SETTINGS_MODULE": "tests.oidc_idp.settings",
        "IDP_DATABASE": str(folder / "idp.sqlite3"),
        "IDP_RSA_PRIVATE_KEY": _rsa_private_key(),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    idp = IdP(url=f"http://127.0.0.1:{port}", env=env)
    idp._provision("migrate")
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(  # our own interpreter, fixed arguments
        [sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{port}", "--threads", "4",
         "tests.oidc_idp.wsgi:application"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(requests.RequestException):
                discovery = f"{idp.server_url}/.well-known/openid-configuration"
                if requests.get(discovery, timeout=2).status_code == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    f"The test OIDC provider did not start:\n{(folder / 'server.log').read_text()}"
                )
            time.sleep(0.2)
        yield idp
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def sso(settings, oidc_idp):
    """Continuum offers "Sign in with Test IdP" for this test."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": PROVIDER_NAME,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": oidc_idp.server_url, "oauth_pkce_enabled": True},
                }
            ],
        }
    }
    csp = dict(settings.SECURE_CSP)
    csp["form-action"] = [*csp["form-action"], oidc_idp.url]
    settings.SECURE_CSP = csp
    return oidc_idp
