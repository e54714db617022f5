"""Real identity providers for the single sign-on tests, run as subprocesses on 127.0.0.1:

- ``oidc``: a small Django project with django-oauth-toolkit's OpenID Connect provider;
- ``saml_idp``: a small WSGI SAML 2.0 identity provider on pysaml2's server API.

Ports come from ``TRYGG_TEST_IDP_PORTS`` (a range, default 8161-8169): the first free one is used.
"""

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    lo, hi = (int(x) for x in os.environ.get("TRYGG_TEST_IDP_PORTS", "8161-8169").split("-"))
    for port in range(lo, hi + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {lo}-{hi} for a test identity provider")


def wait_for(port: int, proc, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"identity provider exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"identity provider on port {port} did not start")


def start(module: str, port: int, *args: str):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    proc = subprocess.Popen([sys.executable, "-m", module, str(port), *args], cwd=ROOT, env=env)
    try:
        wait_for(port, proc)
    except Exception:
        proc.kill()
        raise
    return proc


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def self_signed(directory: Path, name: str):
    """A throw-away RSA key and self-signed certificate (PEM files) for a test IdP."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file
