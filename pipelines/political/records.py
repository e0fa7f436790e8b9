"""What a political body's protocol must show for each § (Kommunallagen 5 kap. 67 §), as captured from
the transcript: every record carries the moments it was heard (Evidence) and the member it is
attributed to — a name from the card, or "okänd" when the transcript does not tell."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..models import Evidence

MotionKind = Literal["bifall", "avslag", "återremiss", "ändring", "tillägg", "annat"]
VoteChoice = Literal["ja", "nej", "avstår"]
DecisionSource = Literal["proposal", "återremiss", "spoken", "none"]


class Turn(BaseModel):
    """The chair gives the word to a member ("Anna, varsågod")."""

    member: str
    evidence: Evidence


class Reviewed(BaseModel):
    """A record the secretary has accepted or edited in the review (service/political_review.py)."""

    reviewed: bool = False


class Motion(Reviewed):
    """A yrkande: who, what kind, and its words (for återremiss also the motivation)."""

    member: str
    kind: MotionKind
    text: str
    motivation: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class Proposition(Reviewed):
    """The chair puts proposals to decision, in order, and says what the body decided."""

    proposals: list[str]
    finding: str = ""  # "finner att kommunstyrelsen bifaller arbetsutskottets förslag"
    evidence: list[Evidence] = Field(default_factory=list)


class Vote(BaseModel):
    member: str
    choice: VoteChoice
    inferred: bool = False  # the name was not heard; the calling order leaves this answer to the member
    evidence: list[Evidence] = Field(default_factory=list)


class Tally(BaseModel):
    ja: int = 0
    nej: int = 0
    avstar: int = 0

    @property
    def total(self) -> int:
        return self.ja + self.nej + self.avstar


class Ballot(Reviewed):
    """An omröstning. Open: each member's vote (omröstningslista). Sluten: the tally only."""

    open: bool = True
    question: str = ""  # "Ja för arbetsutskottets förslag, nej för Anna Bergs avslagsyrkande"
    votes: list[Vote] = Field(default_factory=list)
    tally: Tally = Field(default_factory=Tally)  # counted from the votes, or as the chair announced it
    announced: Tally | None = None  # the chair's own figures, when spoken
    result: str = ""
    flags: list[str] = Field(default_factory=list)  # a tally that does not add up is flagged, never fixed
    evidence: list[Evidence] = Field(default_factory=list)


class Reservation(Reviewed):
    member: str
    own_motion: bool = False  # "till förmån för eget yrkande"
    written: bool = False  # a written reservation will be handed in before justering
    evidence: list[Evidence] = Field(default_factory=list)


class ProtocolNote(Reviewed):
    member: str
    text: str
    evidence: list[Evidence] = Field(default_factory=list)


class Recusal(Reviewed):
    """Jäv: the member leaves the matter; an ersättare may serve instead for this §."""

    member: str
    substitute: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class ParagraphRecord(BaseModel):
    """One § of a political body's protocol beyond the summary and att-clauses of ItemDraft."""

    paragraph: int
    dnr: str | None = None
    turns: list[Turn] = Field(default_factory=list)
    motions: list[Motion] = Field(default_factory=list)
    propositions: list[Proposition] = Field(default_factory=list)
    ballots: list[Ballot] = Field(default_factory=list)
    decision_source: DecisionSource = "none"  # "proposal": the clauses are the card's proposal word for word
    decision_evidence: list[Evidence] = Field(default_factory=list)
    reservations: list[Reservation] = Field(default_factory=list)
    notes: list[ProtocolNote] = Field(default_factory=list)
    recusals: list[Recusal] = Field(default_factory=list)
    serving: list[str] = Field(default_factory=list)  # members who took part in this § (after jäv)
    flags: list[str] = Field(default_factory=list)
