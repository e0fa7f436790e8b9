"""The §-layout Word export of a political body's protocol, read back with python-docx; the numbered
layout of other meetings is untouched."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from pipelines.errors import InputError
from pipelines.documents import load_protocol
from pipelines.documents.export_docx import export_docx
from pipelines.models import Protocol
from pipelines.political.export import export_political_docx
from pipelines.run import export_for
from service.cli import app

from .test_political_capture import MEETING, REMIT, VOTE, capture

FIXTURE = Path(__file__).parent / "fixtures" / "protocol_nr9.json"


@pytest.fixture
def protocol() -> Protocol:
    items = [capture(VOTE, 1), capture(REMIT, 2)]
    items[0].political.recusals = []
    return Protocol(meeting=MEETING, items=items, drafter="regler")


def body(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(str(path)).tables]


def test_front_page_has_the_header_block_signatures_and_anslag(protocol, tmp_path):
    out = export_political_docx(protocol, tmp_path / "ks.docx")
    labels = [row[0] for t in tables(out) for row in t]
    for label in ["Plats och tid", "Beslutande", "Ersättare", "Övriga närvarande", "Utses att justera",
                  "Justeringens plats och tid", "Paragrafer", "Sekreterare", "Ordförande", "Justerande",
                  "Organ", "Sammanträdesdatum", "Datum då anslaget sätts upp", "Datum då anslaget tas ned",
                  "Förvaringsplats för protokollet"]:
        assert label in labels, label
    header = {row[0]: row[1] for row in tables(out)[0]}
    assert "Erik Svensson (S), ordförande" in header["Beslutande"]
    assert header["Ersättare"] == "Olof Falk (S)" and header["Paragrafer"] == "112–113"
    assert "ANSLAG/BEVIS" in body(out)


def test_each_paragraph_in_order_with_motions_vote_list_decision_and_reservation(protocol, tmp_path):
    protocol.items[0].decisions[0].status = "accepted"  # the secretary approved the first clause only
    text = body(export_political_docx(protocol, tmp_path / "ks.docx", mode="approved"))
    start = text.index("§ 112 Investering i ny förskola")
    section = text[start:text.index("§ 113 Motion om kollektivtrafik")]
    order = [s for s in section if s in ("Förslag till beslut", "Yrkanden", "Propositionsordning", "Omröstning",
                                         "Beslut", "Reservation")]
    assert order == ["Förslag till beslut", "Yrkanden", "Propositionsordning", "Omröstning", "Beslut", "Reservation"]
    assert "Dnr KS 2026/52" in section
    assert "Anna Berg (M) yrkar avslag på arbetsutskottets förslag." in section
    assert ("Ordföranden ställer proposition på arbetsutskottets förslag mot avslagsyrkandet och finner att "
            "kommunstyrelsen bifaller arbetsutskottets förslag.") in section
    assert "Omröstningsresultat: 3 ja, 2 nej, 1 avstår." in section
    assert ("Anna Berg (M) reserverar sig mot beslutet till förmån för eget yrkande. En skriftlig reservation "
            "lämnas före justeringen.") in section
    decided = section[section.index("Beslut"):section.index("Reservation")]
    assert decided == ["Beslut", "Kommunstyrelsen beslutar", "att bevilja en investeringsram om 48 miljoner kronor"]
    votes = next(t for t in tables(tmp_path / "ks.docx") if t[0][0] == "Ledamot")
    assert votes[0] == ["Ledamot", "Parti", "Röst"]
    assert ["Anna Berg", "M", "Nej"] in votes and ["Eva Sjöberg", "V", "Avstår"] in votes
    assert votes[-1] == ["Summa", "", "3 ja, 2 nej, 1 avstår"]
    remit = text[text.index("§ 113 Motion om kollektivtrafik"):]
    assert "Peter Strand (M) yrkar att ärendet återremitteras för att kostnaderna ska utredas." in remit
    assert ("Ordföranden ställer proposition om ärendet ska avgöras i dag eller återremitteras och finner att "
            "ärendet ska avgöras i dag.") in remit
    assert "Eva Sjöberg (V) lämnar följande protokollsanteckning: ”Vänsterpartiet vill att frågan tas upp i budgeten.”" in remit


def test_a_draft_marks_suggestions_and_flags(protocol, tmp_path):
    protocol.items[0].political.ballots[0].flags.append("Rösterna går inte ihop.")
    protocol.items[0].flags.append("Rösterna går inte ihop.")  # capture copies a ballot's flags to the item
    protocol.items[0].political.ballots[0].votes[0].inferred = True
    text = body(export_political_docx(protocol, tmp_path / "ks.docx"))
    assert "[Förslag] att finansiering sker genom upplåning" in text
    assert text.count("Granska: Rösterna går inte ihop.") == 1  # under Omröstning, not again at the §'s head
    assert any("Enligt förslaget" in t for t in text)
    votes = next(t for t in tables(tmp_path / "ks.docx") if t[0][0] == "Ledamot")
    assert votes[1] == ["Erik Svensson", "S", "Ja [härledd ur uppropet]"]


def test_the_sammanfattning_is_the_kallelse_s_when_the_card_has_one(protocol, tmp_path):
    protocol.meeting.political.arenden[0].summary = "Nämnden begär en investeringsram för en ny förskola."
    protocol.items[0].summary = "Barnen blir fler. Kostnaden har ökat."
    protocol.items[0].flags.append("Sammanfattningen är ordagranna meningar ur inspelningen – skriv om i protokollsstil.")
    text = body(export_political_docx(protocol, tmp_path / "ks.docx"))
    assert text[text.index("Sammanfattning") + 1] == "Nämnden begär en investeringsram för en ny förskola."
    assert not any(t.startswith("Granska: Sammanfattningen") for t in text)


def test_a_protocol_extract_of_one_paragraph(protocol, tmp_path):
    text = body(export_political_docx(protocol, tmp_path / "utdrag.docx", item=2, mode="approved"))
    assert "Protokollsutdrag" in text and "Utdragsbestyrkande" in text
    assert "§ 113 Motion om kollektivtrafik" in text and "§ 112 Investering i ny förskola" not in text
    with pytest.raises(InputError, match="punkt 9 finns inte"):
        export_political_docx(protocol, tmp_path / "x.docx", item=9)


def test_the_export_command_chooses_the_layout_by_the_card(protocol, tmp_path):
    political = tmp_path / "ks.json"
    political.write_text(protocol.model_dump_json(), encoding="utf-8")
    done = CliRunner().invoke(app, ["export", str(political), "--out", str(tmp_path / "ks.docx")])
    assert done.exit_code == 0, done.output
    assert "§ 112 Investering i ny förskola" in body(tmp_path / "ks.docx")


def test_the_existing_layout_is_unchanged_for_other_meetings(tmp_path):
    reference = load_protocol(FIXTURE)
    assert export_for(reference) is export_docx
    export_docx(reference, tmp_path / "direct.docx")
    done = CliRunner().invoke(app, ["export", str(FIXTURE), "--out", str(tmp_path / "cli.docx")])
    assert done.exit_code == 0, done.output
    assert body(tmp_path / "cli.docx") == body(tmp_path / "direct.docx")
    assert tables(tmp_path / "cli.docx") == tables(tmp_path / "direct.docx")
    assert "Mötet beslutar" in body(tmp_path / "cli.docx") and not any(t.startswith("§ ") for t in body(tmp_path / "cli.docx"))


def test_comments_carry_the_evidence_of_motions_votes_and_decisions(protocol, tmp_path):
    import zipfile

    out = export_political_docx(protocol, tmp_path / "ks.docx", comments=True)
    comments = zipfile.ZipFile(out).read("word/comments.xml").decode()
    assert "[00:00:30–00:00:38] Jag yrka avslag på arbetsutskottets förslag." in comments  # Anna's avslag
    assert "Kommunstyrelsen har alltså beslutat enligt arbetsutskottets förslag." in comments  # the decision's moment


def test_the_review_service_exports_a_political_body_in_the_paragraph_layout(protocol, tmp_path):
    import datetime as dt
    import io

    from service.exports import ExportOptions, docx_bytes

    data = docx_bytes(protocol, protocol, tmp_path, dt.datetime(2026, 5, 4, 12, 0), ExportOptions(mode="draft"))
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "§ 112 Investering i ny förskola" in paragraphs
