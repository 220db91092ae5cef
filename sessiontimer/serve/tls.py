"""TLS for the LAN: the user's own certificate, or a self-signed one made on first use.

On the LAN the key, the cookie and every screen of health information cross the room's
network, so they are encrypted. A tablet cannot know a self-signed certificate, so its
SHA-256 fingerprint is printed: the browser's certificate page shows the same one, and the
practitioner checks them once. The certificate and its private key live in the config folder
(0600, written under a temporary name and renamed), and are made again only when the address
they were made for changes.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sessiontimer.core.private_files import make_private_dirs, open_private

CERT_NAME, KEY_NAME = "serve-cert.pem", "serve-key.pem"
VALID_DAYS = 825  # the longest a browser accepts for a server certificate


class TlsError(Exception):
    """A certificate or key that cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path
    fingerprint: str  # SHA-256, colon-separated hex, as browsers show it
    made_now: bool = False


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def self_signed(folder: Path, address: str) -> Certificate:
    """The certificate for ``address`` in ``folder``, made (or made again) when needed."""
    cert_file, key_file = folder / CERT_NAME, folder / KEY_NAME
    existing = _load(cert_file)
    if existing is not None and _covers(existing, address) and key_file.is_file():
        return Certificate(cert_file, key_file, fingerprint(existing))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _make(key, address)
    make_private_dirs(folder)
    _write_private(
        key_file,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    _write_private(cert_file, cert.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_file, key_file, fingerprint(cert), made_now=True)


def users_own(cert_file: Path, key_file: Path) -> Certificate:
    """A certificate the user brings (``--cert`` / ``--key``); checked before serving."""
    cert = _load(cert_file)
    if cert is None:
        raise TlsError(f"{cert_file}: not a readable PEM certificate (check --cert)")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert_file, key_file)
    except (OSError, ssl.SSLError) as error:
        raise TlsError(
            f"{key_file}: does not fit {cert_file} or cannot be read ({error})"
        ) from None
    return Certificate(cert_file, key_file, fingerprint(cert))


def server_context(certificate: Certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certificate.cert_file, certificate.key_file)
    return context


def _load(path: Path) -> x509.Certificate | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(1 << 20)
        return x509.load_pem_x509_certificate(data)
    except (OSError, ValueError):
        return None


def _covers(cert: x509.Certificate, address: str) -> bool:
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        ips = names.get_values_for_type(x509.IPAddress)
        not_after = cert.not_valid_after_utc
    except (x509.ExtensionNotFound, ValueError):
        return False
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=7)
    return ipaddress.ip_address(address) in ips and not_after > soon


def _make(key: ec.EllipticCurvePrivateKey, address: str) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"sessiontimer {address}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )


def _write_private(path: Path, data: bytes) -> None:
    """Write a new 0600 file next to ``path``, fsync it, and rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    fd = open_private(temporary, os.O_WRONLY | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0))
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
