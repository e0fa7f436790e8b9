"""The meeting card of a political body: the body, its members with party and role and who serves,
the tjänstepersoner present, and the ärenden with diarienummer and proposed decision.

    body: {name: Kommunstyrelsen, kind: kommunstyrelse, municipality: Norrsjö kommun}
    first_paragraph: 112                 # § 112 continues the year's series
    members:
      - {name: Erik Svensson, party: S, role: ordförande}
      - {name: Karl Nilsson, party: C, role: ledamot, present: false}
      - {name: Sara Lund, party: C, role: ersättare, serves: true, replaces: Karl Nilsson}
    officials: [{name: Lena Ek, title: kommunsekreterare}]
    arenden:
      - {title: …, dnr: KS 2026/41, proposal: [att …], underlag: […], send_to: […]}

`pipelines/meeting_card.py` turns such a card into the ordinary Meeting (attendees, absent, agenda
derived from it) with this card attached as `Meeting.political`.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

BODY_KINDS = ("kommunfullmäktige", "kommunstyrelse", "arbetsutskott", "utskott", "nämnd", "beredning", "styrelse")
ROLES = ("ordförande", "förste vice ordförande", "andre vice ordförande", "vice ordförande", "ledamot", "ersättare")
UNKNOWN = "okänd"  # a statement whose speaker the transcript does not tell


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)  # "Kommunstyrelsen", "Barn- och utbildningsnämnden"
    kind: str
    municipality: str | None = None  # "Norrsjö kommun"

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        kind = kind.strip().lower()
        if kind not in BODY_KINDS:
            raise ValueError(f"okänt slag av organ '{kind}' – tillåtna: {', '.join(BODY_KINDS)}")
        return kind


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    party: str = Field(min_length=1)  # "S", "M", "C" as protocols print them: "Anna Berg (M)"
    role: str = "ledamot"
    present: bool = True
    serves: bool | None = None  # tjänstgörande; default: every present non-ersättare
    replaces: str | None = None  # the ledamot a serving ersättare stands in for

    @field_validator("name", "party")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        role = re.sub(r"\s+", " ", role.strip().lower())
        role = {"ordf": "ordförande", "ordf.": "ordförande", "1:e vice ordförande": "förste vice ordförande",
                "2:e vice ordförande": "andre vice ordförande"}.get(role, role)
        if role not in ROLES:
            raise ValueError(f"okänd roll '{role}' – tillåtna roller: {', '.join(ROLES)}")
        return role

    @model_validator(mode="after")
    def _serving(self) -> "Member":
        if self.serves is None:
            self.serves = self.present and self.role != "ersättare"
        if self.serves and not self.present:
            raise ValueError(f"{self.name} är inte närvarande men anges som tjänstgörande")
        if self.replaces and self.role != "ersättare":
            raise ValueError(f"{self.name} är {self.role}; bara en ersättare kan ersätta någon (replaces)")
        return self

    def label(self) -> str:
        return f"{self.name} ({self.party})"

    @property
    def is_substitute(self) -> bool:
        return self.role == "ersättare"


class Official(BaseModel):
    """A tjänsteperson or other non-member present ("Övriga närvarande")."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    title: str | None = None  # "kommundirektör"

    def label(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class Arende(BaseModel):
    """One matter on the kallelse; it becomes one § of the protocol."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    dnr: str | None = None  # diarienummer, "KS 2026/41"
    summary: str = ""  # Sammanfattning / ärendebeskrivning from the tjänsteskrivelse
    proposal: list[str] = Field(default_factory=list)  # förslag till beslut, as att-clauses
    underlag: list[str] = Field(default_factory=list)  # beslutsunderlag
    send_to: list[str] = Field(default_factory=list)  # "Beslutet skickas till"

    @field_validator("proposal")
    @classmethod
    def _att_clauses(cls, clauses: list[str]) -> list[str]:
        cleaned = [re.sub(r"\s+", " ", c).strip() for c in clauses]
        for c in cleaned:
            if not re.match(r"(?i)att\b", c):
                raise ValueError(f"förslaget till beslut ska vara att-satser; '{c}' börjar inte med 'att'")
        return cleaned


class Anslag(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up: dt.date | None = None  # datum då anslaget sätts upp
    down: dt.date | None = None  # datum då anslaget tas ned (three weeks later)
    place: str | None = None  # förvaringsplats för protokollet


class PoliticalCard(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body
    members: list[Member] = Field(min_length=1)
    officials: list[Official] = Field(default_factory=list)
    arenden: list[Arende] = Field(min_length=1)
    first_paragraph: int = Field(default=1, ge=1)
    justering: str | None = None  # justeringens plats och tid
    anslag: Anslag = Field(default_factory=Anslag)

    @model_validator(mode="after")
    def _consistent(self) -> "PoliticalCard":
        seen: set[str] = set()
        for m in self.members:
            key = m.name.casefold()
            if key in seen:
                raise ValueError(f"{m.name} står två gånger bland ledamöterna och ersättarna")
            seen.add(key)
        chairs = [m.name for m in self.members if m.role == "ordförande"]
        if len(chairs) > 1:
            raise ValueError(f"mer än en ordförande: {', '.join(chairs)}")
        names = {m.name.casefold(): m for m in self.members}
        for m in self.members:
            if m.replaces is not None:
                other = names.get(m.replaces.casefold())
                if other is None:
                    raise ValueError(f"{m.name} ersätter {m.replaces}, som inte finns bland ledamöterna")
                if other.serves:
                    raise ValueError(f"{m.name} ersätter {m.replaces}, men {m.replaces} tjänstgör själv")
        return self

    # -- lookups

    def member(self, name: str) -> Member | None:
        key = name.casefold()
        return next((m for m in self.members if m.name.casefold() == key), None)

    @property
    def chair(self) -> Member | None:
        return next((m for m in self.members if m.role == "ordförande"), None)

    def serving(self) -> list[Member]:
        """Who decides (Beslutande): ordinary members first, then serving ersättare, in card order."""
        return [m for m in self.members if m.serves]

    def non_serving(self) -> list[Member]:
        """Present ersättare who do not serve ("Ersättare" in the protocol's header)."""
        return [m for m in self.members if m.present and not m.serves]

    def paragraph(self, number: int) -> int:
        """Agenda item number (1-based) -> its § in the year's series."""
        return self.first_paragraph + number - 1
