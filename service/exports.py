"""Word export of the protocol under review, and how much of the AI draft was kept.

Each export is built in its own temporary folder and returned as bytes, so parallel exports of one
version never share a file. The .docx is made deterministic (fixed zip entry times, document dates
from the version's last change): the same version always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Literal

import docx
from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from pipelines.run import export_for
from pipelines.models import REJECTED, SUGGESTED, Protocol

from .errors import Conflict


class KeptStats(BaseModel):
    """How much of the AI draft survived review (reported in the export and the UI)."""

    decisions_suggested: int = 0
    decisions_accepted: int = 0  # kept word for word
    decisions_edited: int = 0
    decisions_rejected: int = 0
    decisions_added: int = 0
    decisions_unreviewed: int = 0
    summaries_unchanged: int = 0
    summaries_total: int = 0
    summary_similarity: float = 1.0  # mean token-set ratio, AI summary vs final, 0..1

    def sentence(self) -> str:
        return (f"Av {self.decisions_suggested} beslutsförslag från utkastet godtogs {self.decisions_accepted} "
                f"oförändrade, {self.decisions_edited} redigerades och {self.decisions_rejected} ströks; "
                f"{self.decisions_added} lades till. {self.summaries_unchanged} av {self.summaries_total} "
                f"sammanfattningar är oförändrade (likhet med utkastet {self.summary_similarity:.0%}).")


def kept_stats(original: Protocol, current: Protocol) -> KeptStats:
    stats = KeptStats()
    orig_decisions = {d.id: d for i in original.items for d in i.decisions}
    stats.decisions_suggested = len(orig_decisions)
    for item in current.items:
        for d in item.decisions:
            if d.id not in orig_decisions:
                stats.decisions_added += d.status != REJECTED
            elif d.status == REJECTED:
                stats.decisions_rejected += 1
            elif d.status == SUGGESTED:
                stats.decisions_unreviewed += 1
            elif d.text.strip() == orig_decisions[d.id].text.strip():
                stats.decisions_accepted += 1
            else:
                stats.decisions_edited += 1
    ratios = []
    orig_items = {i.number: i for i in original.items}
    for item in current.items:
        before = orig_items.get(item.number)
        if before is None or not (before.summary or item.summary):
            continue
        stats.summaries_total += 1
        stats.summaries_unchanged += before.summary.strip() == item.summary.strip()
        ratios.append(fuzz.token_set_ratio(before.summary, item.summary) / 100)
    stats.summary_similarity = round(sum(ratios) / len(ratios), 3) if ratios else 1.0
    return stats


def for_export(protocol: Protocol) -> Protocol:
    """Rejected decisions never reach a document."""
    out = protocol.model_copy(deep=True)
    for item in out.items:
        item.decisions = [d for d in item.decisions if d.status != REJECTED]
    return out


def _stable_zip(data: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(info),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


class ExportOptions(BaseModel):
    """The choices of the export dialog, as the CLI's `protokoll export` has them."""

    mode: Literal["draft", "approved"] | None = None  # None: "approved" once every decision is reviewed
    comments: bool = False  # the evidence (times + transcript excerpt) as Word comments
    item: int | None = Field(None, ge=1)  # a protokollsutdrag of one item
    template: bool = False  # the organisation's Word template


def docx_bytes(protocol: Protocol, original: Protocol, workdir: Path, changed: dt.datetime,
               options: ExportOptions | None = None, template: bytes | None = None,
               certified: dt.date | None = None) -> bytes:
    """The Word document of `protocol` (`template`: the .docx to build on). `options.mode` defaults to
    "approved" once every decision (of the extract's item) is reviewed, else "draft"; "approved" with
    unreviewed decisions is refused rather than silently leaving them out. `certified` dates the
    utdragsbestyrkande of a justerat protocol's extract (set by the lifecycle, never by a request)."""
    options = options or ExportOptions()
    clean = for_export(protocol)
    pending = sum(d.status == SUGGESTED for i in clean.items for d in i.decisions
                  if options.item is None or i.number == options.item)
    mode = options.mode or ("draft" if pending else "approved")
    if mode == "approved" and pending:
        raise Conflict(f"{pending} beslut är inte granskade än. Godta, redigera eller stryk dem innan du exporterar "
                       f"bara godkända beslut – {pending} decisions are not reviewed yet")
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="export-") as tmp:
        template_path = None
        if template is not None:
            template_path = Path(tmp) / "mall.docx"
            template_path.write_bytes(template)
        path = export_for(clean)(clean, Path(tmp) / "protokoll.docx", mode=mode, comments=options.comments,
                                 item=options.item, template=template_path,
                                 certified=certified)
        document = docx.Document(str(path))
    props = document.core_properties
    props.comments = kept_stats(original, protocol).sentence()
    props.created = props.modified = changed.replace(microsecond=0)
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())
