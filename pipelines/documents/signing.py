"""PAdES signatures on the archived protocol (pyHanko), and checking them.

The organisation signs with its certificate (a PEM key and certificate); `self_signed` makes one for
an organisation that has none yet. The signature covers the whole file: any byte changed after
signing makes `verify` report the document as changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pydantic import BaseModel

from ..errors import InputError

KEY, CERT = "key.pem", "cert.pem"
FIELD = "Justering"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def self_signed(folder: Path, organisation: str, years: int = 5) -> tuple[Path, Path]:
    """A self-signed signing certificate for `organisation` in folder/key.pem and folder/cert.pem."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, organisation[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "SE")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(key, hashes.SHA256()))
    key_path, cert_path = folder / KEY, folder / CERT
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sign_pdf(pdf: Path, out: Path, key: Path, cert: Path, *, reason: str, location: str = "") -> Path:
    """Write a PAdES-signed copy of `pdf` at `out` (an incremental update: the signed bytes are the
    original's, so a PDF/A stays PDF/A)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load(str(key), str(cert))
    if signer is None:
        raise InputError(f"{key}: kunde inte läsa nyckeln eller certifikatet – cannot load the signing key")
    meta = signers.PdfSignatureMetadata(field_name=FIELD, reason=reason[:500], location=location or None,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    with open(pdf, "rb") as src:
        writer = IncrementalPdfFileWriter(src, strict=False)
        signed = signers.sign_pdf(writer, meta, signer=signer)
    Path(out).write_bytes(signed.getvalue())
    return Path(out)


class Verdict(BaseModel):
    """What `protokoll verify` says about a signed copy."""

    signed_by: str  # the certificate's subject
    signed_at: str | None
    reason: str | None
    intact: bool  # the signed bytes hash to what was signed and the signature is the key's
    whole_file: bool  # nothing was added after the signature
    trusted: bool | None  # chains to the given certificate (None: no certificate given)

    @property
    def unchanged(self) -> bool:
        return self.intact and self.whole_file


def verify_pdf(pdf: Path, trust: Path | None = None) -> list[Verdict]:
    """Every signature in `pdf`, checked; [] if it has none."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    roots = []
    if trust is not None:
        data = Path(trust).read_bytes()
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        try:
            cert = x509.Certificate.load(data)
            cert.native  # parses it all: a file that is no certificate fails here, not deep in validation
        except ValueError as e:
            raise InputError(f"{trust}: inget certifikat (PEM eller DER) – not a certificate ({e})") from None
        roots.append(cert)
    context = ValidationContext(trust_roots=roots, allow_fetching=False) if roots else None
    verdicts = []
    with open(pdf, "rb") as f:
        try:
            reader = PdfFileReader(f, strict=False)
            signatures = list(reader.embedded_signatures)
        except Exception as e:  # a file that is not a PDF at all
            raise InputError(f"{pdf}: ingen läsbar PDF – not a readable PDF ({e})") from None
        for sig in signatures:
            status = validate_pdf_signature(sig, context) if context else validate_pdf_signature(sig)
            field = sig.sig_object
            verdicts.append(Verdict(
                signed_by=status.signing_cert.subject.human_friendly,
                signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
                reason=str(field.get("/Reason")) if field.get("/Reason") else None,
                intact=bool(status.intact and status.valid),
                whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                trusted=bool(status.trusted) if context else None))
    return verdicts
