"""PAdES signing of a PDF/A and `protokoll verify`: who signed, and whether anything changed since."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from pipelines.documents.docx_pdf import pdf_from_docx
from pipelines.documents.signing import self_signed, sign_pdf, verify_pdf
from tests.helpers.server import ROOT

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("signing")
    document = docx.Document()
    document.add_paragraph("Kommunstyrelsen beslutar att godkänna årsredovisningen.")
    document.save(root / "protokoll.docx")
    pdf = pdf_from_docx(root / "protokoll.docx", root, pdfa=True)
    key, cert = self_signed(root / "org", "Norrsjö kommun")
    return pdf, sign_pdf(pdf, root / "signerat.pdf", key, cert, reason="Justerat av Erik Svensson"), cert


def verify(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", "verify", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT)


def test_signed_pdfa_verifies(signed):
    pdf, out, cert = signed
    assert b"pdfaid:part" in pdf.read_bytes()
    [v] = verify_pdf(out, cert)
    assert v.unchanged and v.trusted and "Norrsjö kommun" in v.signed_by and v.reason == "Justerat av Erik Svensson"
    done = verify(out, "--cert", cert)
    assert done.returncode == 0 and "oförändrat" in done.stdout and "Norrsjö kommun" in done.stdout


def test_a_changed_byte_is_found(signed, tmp_path):
    _, out, cert = signed
    data = bytearray(out.read_bytes())
    at = data.index(b"/Producer")  # inside the signed range
    data[at + 1] = ord("Q")
    changed = tmp_path / "ändrad.pdf"
    changed.write_bytes(bytes(data))
    [v] = verify_pdf(changed, cert)
    assert not v.intact and not v.unchanged
    done = verify(changed, "--cert", cert)
    assert done.returncode == 1 and "signaturen stämmer inte" in done.stdout


def test_appended_content_and_a_foreign_certificate(signed, tmp_path):
    _, out, cert = signed
    appended = tmp_path / "tillagd.pdf"
    appended.write_bytes(out.read_bytes() + b"\n% tillagt efter signeringen\n")
    [v] = verify_pdf(appended, cert)
    assert v.intact and not v.whole_file
    _, other = self_signed(tmp_path / "annan", "Annan kommun")
    [v] = verify_pdf(out, other)
    assert v.unchanged and v.trusted is False
    assert verify(out, "--cert", other).returncode == 1


def test_unsigned_file_and_bad_input(signed, tmp_path):
    pdf, out, _ = signed
    done = verify(pdf)
    assert done.returncode == 1 and "ingen signatur" in done.stderr
    (tmp_path / "inte.pem").write_text("inget certifikat")
    done = verify(out, "--cert", tmp_path / "inte.pem")
    assert done.returncode == 2 and "inget certifikat" in done.stderr
    done = verify(tmp_path / "inte.pem")
    assert done.returncode == 2 and "ingen läsbar PDF" in done.stderr
