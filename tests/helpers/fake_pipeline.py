"""A fast, deterministic stand-in for pipelines.run (same contract: saved stages are skipped on a
re-run), so access rules, versions and uploads can be tested in seconds. The server is started with
`protokoll serve --pipeline tests.helpers.fake_pipeline`; its worker processes import this module.

Knobs for the job tests, read here only: FAKE_STAGE_SECONDS, FAKE_DRAFT_SECONDS, FAKE_FAIL, FAKE_CRASH,
FAKE_REDRAFT_SECONDS, FAKE_WRONG_SPLIT.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipelines.errors import AudioError
from pipelines.models import (DRAFTING, SEGMENTING, TRANSCRIBING, Decision, Evidence, ItemDraft, Meeting, Protocol,
                              Transcript, TranscriptSegment)
from pipelines.political.capture import ballot_flags, serving_members, tally_of
from pipelines.political.card import PoliticalCard
from pipelines.political.records import (Ballot, Motion, ParagraphRecord, Proposition, ProtocolNote, Recusal,
                                         Reservation, Vote)


def _stage(out_dir: Path, name: str, progress, seconds: float) -> None:
    with open(out_dir / "stages.log", "a") as log:
        log.write(name + "\n")
    steps = 5
    for i in range(steps):
        time.sleep(seconds / steps)
        if progress:
            progress(name, (i + 1) / steps, seconds * (steps - i - 1) / steps)


def run_pipeline(recording: Path, meeting: Meeting, out_dir: Path, *, progress=None, force=False, **_) -> Protocol:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    delay = float(os.environ.get("FAKE_STAGE_SECONDS", "0.2"))
    if not (out_dir / "transcript.json").exists():
        _stage(out_dir, TRANSCRIBING, progress, delay)
        # Two sentences per agenda item, inside the item's time range (n-1 .. n seconds) drafted below.
        segs = [TranscriptSegment(id=0, start=0.0, end=0.5, text="<script>alert('x')</script> Vi beslutar att notera.")]
        for n, title in enumerate(meeting.agenda, start=1):
            if n > 1:
                segs.append(TranscriptSegment(id=len(segs), start=n - 1.0, end=n - 0.5, text=f"Vi går till punkt {n}, {title}."))
            segs.append(TranscriptSegment(id=len(segs), start=n - 0.5, end=float(n), text=f"Vi noterar punkt {n}."))
        (out_dir / "transcript.json").write_text(
            Transcript(language="sv", duration=3.0, backend="fake", model="fake", segments=segs).model_dump_json())
    if not (out_dir / "segments.json").exists():
        _stage(out_dir, SEGMENTING, progress, delay)
        (out_dir / "segments.json").write_text("{}")
    if not (out_dir / "protocol.json").exists():
        if os.environ.get("FAKE_FAIL"):
            raise AudioError("inspelningen innehåller inget tal – no speech in the recording")
        if os.environ.get("FAKE_CRASH"):
            os._exit(3)  # like the OOM killer: no exception, no cleanup
        _stage(out_dir, DRAFTING, progress, float(os.environ.get("FAKE_DRAFT_SECONDS", delay)))
        items = [
            ItemDraft(number=n, title=title, start=float(n - 1), end=float(n), summary=f"Sammanfattning {n}.",
                      transcript=_talk(n), decisions=[_noted(n), Decision(
                          id=f"d{n}b", text=f"att uppdra åt sekretariatet att återkomma i punkt {n}")])
            for n, title in enumerate(meeting.agenda, start=1)]
        if os.environ.get("FAKE_WRONG_SPLIT") and len(items) >= 3:
            # The segmenter's classic mistake: item 2 runs on over item 3's talk and takes its decisions.
            two, three = items[1], items[2]
            two.end, two.transcript = three.end, f"{two.transcript} {three.transcript}"
            two.decisions, three.decisions = two.decisions + three.decisions, []
            three.start = three.end = None
            three.transcript, three.summary = "", ""
            three.flags, three.needs_review = ["Ingen diskussion hittades för punkten i inspelningen."], True
        if meeting.political is not None:
            items = [item.model_copy(update={"political": political_record(meeting.political, item.number)})
                     for item in items]
        protocol = Protocol(meeting=meeting, items=items, drafter="fake")
        (out_dir / "protocol.json").write_text(protocol.model_dump_json())
    return Protocol.model_validate_json((out_dir / "protocol.json").read_text())


def political_record(card: PoliticalCard, number: int) -> ParagraphRecord:
    """§ 1: a motion, the propositionsordning, an open vote in which one serving member's answer was not
    heard (so the tally does not add up and is flagged), a reservation and a note; § 2: a jäv."""
    if number == 2:
        recusals = [Recusal(member="Johan Ek", substitute="Olof Falk", evidence=[Evidence(start=1.5, end=2.0, text="jäv")])]
        return ParagraphRecord(paragraph=card.paragraph(2), recusals=recusals, serving=serving_members(card, recusals))
    if number != 1:
        return ParagraphRecord(paragraph=card.paragraph(number), serving=serving_members(card, []))
    heard = Evidence(start=0.5, end=1.0, text="vi noterar")
    serving = serving_members(card, [])
    votes = [Vote(member=name, choice="nej" if name == "Anna Berg" else "ja", evidence=[heard]) for name in serving[:-1]]
    ballot = Ballot(question="Ja för arbetsutskottets förslag, nej för Anna Bergs avslagsyrkande", votes=votes,
                    tally=tally_of(votes), result="Kommunstyrelsen har beslutat enligt arbetsutskottets förslag",
                    evidence=[heard])
    record = ParagraphRecord(
        paragraph=card.paragraph(1), serving=serving, ballots=[ballot],
        motions=[Motion(member="Anna Berg", kind="avslag", text="avslag på förslaget", evidence=[heard])],
        propositions=[Proposition(proposals=["arbetsutskottets förslag", "Anna Bergs avslagsyrkande"],
                                  finding="kommunstyrelsen bifaller arbetsutskottets förslag", evidence=[heard])],
        reservations=[Reservation(member="Anna Berg", own_motion=True, evidence=[heard])],
        notes=[ProtocolNote(member="Johan Ek", text="Vi vill se en plan för lokalerna.", evidence=[heard])])
    ballot.flags = ballot_flags(ballot, serving, record.paragraph)
    return record


def redraft_item(protocol: Protocol, transcript_text: str, number: int, options=None) -> ItemDraft:
    time.sleep(float(os.environ.get("FAKE_REDRAFT_SECONDS", "0")))
    old = protocol.item(number)
    return ItemDraft(number=number, title=old.title, start=old.start, end=old.end,
                     summary=f"Omskriven: {transcript_text[:40]}",
                     decisions=[_noted(number, fresh=True), Decision(text="att godkänna den rättade texten")])


def _talk(n: int) -> str:
    return f"<script>alert('x')</script> Punkt {n}: vi beslutar att notera."


def _noted(n: int, fresh: bool = False) -> Decision:
    """The decision spoken in item n, as drafting finds it (a redraft finds it again with a fresh id)."""
    decision = Decision(text=f"att notera informationen under punkt {n}",
                        evidence=[Evidence(start=n - 0.5, end=float(n), text="vi noterar")])
    if not fresh:
        decision.id = f"d{n}a"
    return decision
