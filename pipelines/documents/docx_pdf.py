"""Convert a .docx to PDF with LibreOffice headless (Debian: libreoffice-writer-nogui).

Each call gets its own throw-away LibreOffice profile (-env:UserInstallation): two conversions that
share the default profile block on its lock file, or one of them silently does nothing.
`pdfa=True` writes PDF/A-2b, the archival form (fonts embedded, no external dependencies)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ProtokollError

TIMEOUT = 240  # seconds; the first start of a fresh profile alone takes ~10 s on two cores
PDFA = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_from_docx(docx: Path, outdir: Path, *, pdfa: bool = False) -> Path:
    """Write outdir/<docx stem>.pdf and return its path."""
    docx, outdir = Path(docx), Path(outdir)
    if not docx.is_file():
        raise ProtokollError(f"{docx}: filen finns inte – file not found")
    binary = soffice()
    if binary is None:
        raise ProtokollError("LibreOffice saknas (apt-get install libreoffice-writer-nogui) – LibreOffice is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{docx.stem}.pdf"
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="protokoll-lo-") as profile:
        env = {**os.environ, "HOME": profile}  # LibreOffice also writes under $HOME
        cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", PDFA if pdfa else "pdf", "--outdir", str(outdir), str(docx)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=env)
        except subprocess.TimeoutExpired:
            raise ProtokollError(f"{docx}: PDF-konverteringen tog för lång tid – LibreOffice timed out") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise ProtokollError(f"{docx}: kunde inte göra PDF – LibreOffice failed: {detail[0]}")
    return target
