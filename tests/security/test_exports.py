"""Parallel Word exports of one version: every one valid and byte-identical, no temp file left;
an "approved only" export of a draft with unreviewed decisions is refused, not silently thinned."""

from __future__ import annotations

import concurrent.futures
import hashlib
import io

import docx

from tests.helpers.server import docx_text


def test_twelve_parallel_exports_are_identical_and_valid(two_orgs, anna, annas_meeting):
    url = f"/api/meetings/{annas_meeting}/export.docx"

    def export(_):
        r = anna.get(url)
        return r.status_code, r.content

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        results = list(pool.map(export, range(12)))
    assert [code for code, _ in results] == [200] * 12
    assert len({hashlib.sha256(body).hexdigest() for _, body in results}) == 1
    assert "Mötets öppnande" in docx_text(results[0][1])
    docx.Document(io.BytesIO(results[0][1]))  # opens: a whole document, not a truncated one
    exports = two_orgs.data_dir / "meetings" / annas_meeting / "exports"
    assert not exports.exists() or list(exports.rglob("*")) == []


def test_approved_only_export_of_unreviewed_draft_is_409(anna, annas_meeting):
    m = f"/api/meetings/{annas_meeting}"
    r = anna.get(m + "/export.docx", params={"mode": "approved"})
    assert r.status_code == 409
    assert "inte granskade" in r.json()["detail"]
    assert anna.get(m + "/export.docx", params={"mode": "draft"}).status_code == 200
