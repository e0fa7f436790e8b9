"""Scores for what a political body's protocol must show (Kommunallagen 5 kap. 67 §), beside the
general ones: yrkanden (P/R with the right member and kind, also per kind and per member),
omröstning (tally exact, each member's vote), reservationer, jäv and protokollsanteckningar (P/R by
member), and whether each decision that resolved to the proposal matches the archived Beslut word for
word. The archived protocol's § sections are read by pipelines/political/parse.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field

from pipelines.errors import InputError
from pipelines.models import Protocol
from pipelines.political.parse import ArchivedParagraph, parse_paragraphs

from .metrics import precision_recall_f1
from .report import fmt


class PRF(BaseModel):
    matched: int = 0
    drafted: int = 0
    archived: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None


class VoteScores(BaseModel):
    ballots_archived: int = 0
    ballots_drafted: int = 0
    tally_exact: float | None = None  # share of archived ballots whose ja/nej/avstår the draft has exactly
    members_archived: int = 0  # votes in the archived omröstningslistor
    member_accuracy: float | None = None  # share of them the draft has for the same member and choice


class PoliticalScores(BaseModel):
    paragraphs_archived: int
    paragraphs_drafted: int
    motions: PRF
    motions_by_kind: dict[str, PRF] = Field(default_factory=dict)
    motions_by_member: dict[str, PRF] = Field(default_factory=dict)
    votes: VoteScores
    reservations: PRF
    recusals: PRF
    notes: PRF
    proposal_decisions: int = 0  # §§ whose drafted decision resolved to the card's proposal
    proposal_verbatim: int = 0  # … of which the proposal's clauses open the archived Beslut word for word


def _prf(drafted: Counter, archived: Counter) -> PRF:
    matched = sum((drafted & archived).values())
    d, a = sum(drafted.values()), sum(archived.values())
    p, r, f = precision_recall_f1(matched, d, a)
    return PRF(matched=matched, drafted=d, archived=a, precision=p, recall=r, f1=f)


def paragraphs_of(protocol: Protocol) -> list[ArchivedParagraph]:
    """A drafted protocol's §§ in the shape the archived ones are read into."""
    out = []
    card = protocol.meeting.political
    for item in protocol.items:
        if item.political is None:
            continue
        clauses = [d.text for d in item.decisions if d.status != "rejected"]
        proposal = card.arenden[item.number - 1].proposal if card and item.number <= len(card.arenden) else []
        out.append(ArchivedParagraph(paragraph=item.political.paragraph, title=item.title, record=item.political,
                                     decisions=clauses, proposal_clauses=[c for c in clauses if c in proposal]))
    return out


def read_paragraphs(path: Path) -> list[ArchivedParagraph]:
    """The §§ of a protocol file: protocol.json (drafted records), or an archived .txt/.docx/.pdf."""
    from pipelines.documents import load_protocol
    from pipelines.documents.reader import docx_lines, pdf_text

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: filen finns inte – file not found")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return paragraphs_of(load_protocol(path))
    if suffix == ".docx":
        return parse_paragraphs(docx_lines(path))
    if suffix == ".pdf":
        return parse_paragraphs(pdf_text(path).splitlines())
    return parse_paragraphs(path.read_text(encoding="utf-8-sig").splitlines())


def score(drafted: list[ArchivedParagraph], archived: list[ArchivedParagraph]) -> PoliticalScores:
    def keys(pars, get) -> Counter:
        return Counter(k for p in pars for k in get(p))

    def motions(pars, kind=None, member=None) -> Counter:
        return keys(pars, lambda p: [(p.paragraph, m.member, m.kind) for m in p.record.motions
                                     if (kind is None or m.kind == kind) and (member is None or m.member == member)])

    kinds = sorted({m.kind for p in archived + drafted for m in p.record.motions})
    members = sorted({m.member for p in archived for m in p.record.motions})
    result = PoliticalScores(
        paragraphs_archived=len(archived), paragraphs_drafted=len(drafted),
        motions=_prf(motions(drafted), motions(archived)),
        motions_by_kind={k: _prf(motions(drafted, kind=k), motions(archived, kind=k)) for k in kinds},
        motions_by_member={m: _prf(motions(drafted, member=m), motions(archived, member=m)) for m in members},
        votes=_votes(drafted, archived),
        reservations=_prf(keys(drafted, lambda p: [(p.paragraph, r.member) for r in p.record.reservations]),
                          keys(archived, lambda p: [(p.paragraph, r.member) for r in p.record.reservations])),
        recusals=_prf(keys(drafted, lambda p: [(p.paragraph, r.member, r.substitute) for r in p.record.recusals]),
                      keys(archived, lambda p: [(p.paragraph, r.member, r.substitute) for r in p.record.recusals])),
        notes=_prf(keys(drafted, lambda p: [(p.paragraph, n.member) for n in p.record.notes]),
                   keys(archived, lambda p: [(p.paragraph, n.member) for n in p.record.notes])),
    )
    by_number = {p.paragraph: p for p in archived}
    for p in drafted:
        if p.record.decision_source == "proposal":
            result.proposal_decisions += 1
            ref = by_number.get(p.paragraph)
            # the clauses taken from the proposal stand word for word in the archived Beslut (an approved
            # tilläggsyrkande may follow them in Whisper's words)
            result.proposal_verbatim += int(ref is not None and bool(p.proposal_clauses)
                                            and ref.decisions[:len(p.proposal_clauses)] == p.proposal_clauses)
    return result


def _votes(drafted: list[ArchivedParagraph], archived: list[ArchivedParagraph]) -> VoteScores:
    by_number = {p.paragraph: p for p in drafted}
    out = VoteScores(ballots_drafted=sum(len(p.record.ballots) for p in drafted))
    exact = right = 0
    for ref in archived:
        for i, ballot in enumerate(ref.record.ballots):
            out.ballots_archived += 1
            mine = by_number.get(ref.paragraph)
            theirs = mine.record.ballots[i] if mine and i < len(mine.record.ballots) else None
            exact += int(theirs is not None and theirs.tally == ballot.tally)
            choices = {v.member: v.choice for v in theirs.votes} if theirs else {}
            out.members_archived += len(ballot.votes)
            right += sum(choices.get(v.member) == v.choice for v in ballot.votes)
    out.tally_exact = exact / out.ballots_archived if out.ballots_archived else None
    out.member_accuracy = right / out.members_archived if out.members_archived else None
    return out


def political_scores(draft: Path, archived: Path) -> PoliticalScores | None:
    """The political scores of a draft against an archived protocol; None when neither is a political
    body's protocol (no § with its sections), so other meetings' evaluation is unchanged."""
    drafted, reference = read_paragraphs(draft), read_paragraphs(archived)
    if not drafted and not reference:
        return None
    return score(drafted, reference)


def render(s: PoliticalScores) -> str:
    def prf(p: PRF) -> str:
        return f"{fmt(p.precision)} / {fmt(p.recall)}  ({p.matched} av {p.archived} arkiv, {p.drafted} utkast)"

    rows = [
        ("Paragrafer", "arkiv / utkast", f"{s.paragraphs_archived} / {s.paragraphs_drafted}"),
        ("Yrkanden", "precision / recall (ledamot + slag)", prf(s.motions)),
        *[("", f"  {k}", prf(v)) for k, v in s.motions_by_kind.items()],
        *[("", f"  {k}", prf(v)) for k, v in s.motions_by_member.items()],
        ("Omröstning", "röstsiffror exakta", f"{fmt(s.votes.tally_exact)}  ({s.votes.ballots_archived} arkiv, "
                                              f"{s.votes.ballots_drafted} utkast)"),
        ("", "ledamöternas röster rätt", f"{fmt(s.votes.member_accuracy)}  ({s.votes.members_archived} röster)"),
        ("Reservationer", "precision / recall (ledamot)", prf(s.reservations)),
        ("Jäv", "precision / recall (ledamot + ersättare)", prf(s.recusals)),
        ("Protokollsanteckningar", "precision / recall (ledamot)", prf(s.notes)),
        ("Beslut enligt förslaget", "ordagrant / av", f"{s.proposal_verbatim} / {s.proposal_decisions}"),
    ]
    w0, w1 = max(len(a) for a, _, _ in rows), max(len(b) for _, b, _ in rows)
    lines = [f"{'Politiskt organ':<{w0}}  {'':<{w1}}  Värde", "-" * (w0 + w1 + 12)]
    return "\n".join(lines + [f"{a:<{w0}}  {b:<{w1}}  {c}" for a, b, c in rows])
