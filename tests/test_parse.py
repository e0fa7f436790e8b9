"""The archived-protocol parser on the real reference protocol, a PDF of it, Word files and a
kommunstyrelse-style protocol."""

import shutil
import subprocess
from pathlib import Path

import pytest

from pipelines.documents import parse_people, parse_protocol, parse_text
from pipelines.errors import InputError

REFERENCE = Path("/work/shared/reference/protokoll-nr9-2025.txt")
FIXTURES = Path(__file__).parent / "fixtures"

CLAUSES = {
    2: ["att Marie Appelqvist, som sitter i Skånes kommuners digitaliseringsnätverk, tillsammans med tf "
        "sekretariatschef och Eva Svensson ska kartlägga arbetet som pågår idag, och hur det olika delarna "
        "förhåller sig till varandra.",
        "Att sekretariatschefen informerar kommundirektörsgruppen om vilka test- och utvecklingsprojekt som "
        "ska vidare till styrelsen framöver."],
    3: ["att för att kunna bevilja ansökan, behöver kommundirektörsgruppen först få in syfte och mer detaljer "
        "kring vad de vill arbeta med. Arbetsgruppen som beslutades i ärende 2, behöver också göra klart sitt "
        "arbete för att sätta nätverket i sin kontext."],
    4: ["att notera informationen"],
    5: ["Att skriva under samarbetsavtal för traineeprogrammet 2026-2030."],
    7: ["Att tacka för informationen"],
    8: ["Att tacka för informationen"],
    9: ["Att tacka för informationen"],
}
KINDS = {2: ["assigned", "decided"], 3: ["decided"], 4: ["noted"], 5: ["decided"], 7: ["thanked"],
         8: ["thanked"], 9: ["thanked"]}
ATTENDEES = [("Jonas Jönsson", "Båstad"), ("Elin Ask", "Ängelholm"), ("Carina Leffler", "Helsingborg stad"),
             ("Christer Paulsson", "Åstorp"), ("Tomas Rikse", "Klippan"), ("Ardiana Demjaha", "Örkelljunga"),
             ("Herman Crespin", "Höganäs"), ("Marie Appelqvist", "Perstorp"),
             ("Mikael Johansson", "sekretariatet")]
ABSENT = [("Agneta Fristedt", "Bjuv"), ("Pernilla Anderberg", "Landskrona"), ("Åsa Simonsson", "Svalöv")]


def assert_reference(protocol):
    m = protocol.meeting
    assert [i.number for i in protocol.items] == list(range(1, 12))
    assert [(p.name, p.organisation) for p in m.attendees] == ATTENDEES
    assert [(p.name, p.organisation) for p in m.absent] == ABSENT
    assert m.secretary == "Mikael Johansson"
    assert str(m.date) == "2025-12-12"
    for item in protocol.items:
        assert [d.text for d in item.decisions] == CLAUSES.get(item.number, []), item.number
        assert [d.kind for d in item.decisions] == KINDS.get(item.number, [])
    six = protocol.item(6)
    assert len(six.bullets) == 5
    assert six.bullets[2] == "Beredskapsfrågan planeras för den 23 januari, då även länsstyrelsen är inbjuden."
    assert protocol.item(3).title == "Ansökan om att starta nytt kunskapsnätverk"
    assert protocol.item(10).title == "Diskussion kring familjen Helsingborgs arbete med tillväxt och sysselsättning"
    assert protocol.item(10).summary.startswith("Ko0mmundirektörerna och gästerna diskuterade")


def test_reference_protocol_parses_completely():
    protocol = parse_protocol(REFERENCE)
    assert_reference(protocol)
    m = protocol.meeting
    assert m.number == "Protokoll nr 9 2025"
    assert m.title == "Kommundirektörsmöte i Familjen Helsingborg"
    assert m.time == "08.30-12:00"
    assert m.place == "Mindpark, Bredgatan 11, Helsingborg. Mötesrum Penthouse och via Teams"
    assert protocol.item(2).summary.startswith("29 av 33 kommuner har gått med i SVEA AI-s tredje etapp")
    assert protocol.item(2).summary.endswith("vikten av att vi får hela bilden klar för oss.")
    assert protocol.item(6).summary == "Tf sekretariatschef informerade om:"
    assert protocol.item(1).summary == "" and protocol.item(11).summary == ""  # "Underskriftssida" is not text
    assert m.agenda[4] == "Nytt samarbetsavtal Traineeprogrammet"


def test_item_heading_glued_to_previous_line():
    text = REFERENCE.read_text(encoding="utf-8")
    glued = text.replace("styrelsen framöver.  \n 3. Ansökan", "styrelsen framöver.  3. Ansökan")
    assert glued != text
    assert_reference(parse_text(glued))


def test_two_attendees_per_line():
    assert [(p.name, p.organisation) for p in parse_people("Carina Leffler, Helsingborg stad Christer Paulsson, Åstorp")] \
        == [("Carina Leffler", "Helsingborg stad"), ("Christer Paulsson", "Åstorp")]
    assert [(p.name, p.organisation) for p in parse_people("Jens Åberg, ekonomichef, § 81")] \
        == [("Jens Åberg", "ekonomichef, § 81")]


def test_kommunstyrelse_layout():
    protocol = parse_protocol(FIXTURES / "ks_protokoll.txt")
    m = protocol.meeting
    assert m.title == "Kommunstyrelsen"
    assert str(m.date) == "2025-05-12"  # not the justering date 2025-05-15
    assert (m.time, m.place) == ("13.00–15.30", "Kommunhuset, Sessionssalen")
    assert m.justerare == ["Per Olsson"]
    assert m.secretary == "Lars Nilsson"
    assert [p.name for p in m.attendees] == ["Anna Svensson", "Per Olsson", "Karin Lund", "Erik Holm", "Sofia Ek",
                                             "Maria Strand", "Lars Nilsson", "Jens Åberg"]
    assert m.attendees[0].organisation == "S, ordförande"
    assert [p.name for p in m.absent] == ["Ola Berg"]
    assert [(i.number, i.title) for i in protocol.items] == [
        (80, "Val av justerare"), (81, "Budgetuppföljning april 2025"),
        (82, "Motion om solceller på kommunens fastigheter"), (83, "Information från kommundirektören")]
    assert [d.text for d in protocol.item(81).decisions] == [
        "att godkänna budgetuppföljningen per april 2025, samt",
        "att ge kommundirektören i uppdrag att ta fram en åtgärdsplan för att nå en budget i balans till "
        "sammanträdet i september."]
    assert [d.kind for d in protocol.item(81).decisions] == ["decided", "assigned"]
    assert [(d.text, d.kind) for d in protocol.item(82).decisions] == [("att bordlägga ärendet till nästa sammanträde.", "postponed")]
    assert [(d.text, d.kind) for d in protocol.item(83).decisions] == [("Informationen noteras.", "noted")]
    # Page headers, diary numbers and "Beslutsunderlag"/"Expedieras" are not the summary.
    assert protocol.item(81).summary == ("Ekonomiavdelningen har sammanställt budgetuppföljningen per april. Prognosen "
                                         "för helåret visar ett underskott om 4,2 miljoner kronor, främst inom "
                                         "socialnämndens verksamhetsområde.")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) not installed")
def test_pdf_parses_like_the_text(tmp_path):
    src = tmp_path / "ref.txt"
    shutil.copy(REFERENCE, src)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    from_pdf = parse_protocol(tmp_path / "ref.pdf")
    assert_reference(from_pdf)
    from_txt = parse_protocol(REFERENCE)
    assert [i.summary for i in from_pdf.items] == [i.summary for i in from_txt.items]


def test_docx_with_attendee_table_and_bullets(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Protokoll nr 3 2026")
    d.add_paragraph("Kommundirektörsmöte i Familjen Helsingborg")
    d.add_paragraph("Tid och plats: Den 6 mars 2026 09.00-11.30 på Stadshuset, Helsingborg")
    d.add_paragraph("Närvarande:")
    t = d.add_table(rows=2, cols=2)
    for cell, text in zip(t._cells, ["Jonas Jönsson, Båstad", "Elin Ask, Ängelholm",
                                     "Mikael Johansson, sekretariatet", ""]):
        cell.text = text
    d.add_paragraph("Anmält förhinder:")
    d.add_paragraph("Åsa Simonsson, Svalöv")
    d.add_paragraph("1. Mötets öppnande").runs[0].bold = True
    d.add_paragraph("2. Rapport från sekretariatet").runs[0].bold = True
    d.add_paragraph("Tf sekretariatschef informerade om:")
    d.add_paragraph("Rekrytering pågår.", style="List Bullet")
    d.add_paragraph("Nätverket har lagts ner.", style="List Bullet")
    d.add_paragraph("Mötet beslutar")
    d.add_paragraph("att notera informationen")
    d.add_paragraph("3. Mötet avslutades").runs[0].bold = True
    path = tmp_path / "p.docx"
    d.save(path)
    p = parse_protocol(path)
    assert str(p.meeting.date) == "2026-03-06" and p.meeting.time == "09.00-11.30"
    assert [x.label() for x in p.meeting.attendees] == ["Jonas Jönsson, Båstad", "Elin Ask, Ängelholm",
                                                       "Mikael Johansson, sekretariatet"]
    assert [x.name for x in p.meeting.absent] == ["Åsa Simonsson"]
    assert p.meeting.secretary == "Mikael Johansson"
    assert p.item(2).bullets == ["Rekrytering pågår.", "Nätverket har lagts ner."]
    assert [(x.text, x.kind) for x in p.item(2).decisions] == [("att notera informationen", "noted")]
    assert len(p.items) == 3


def test_own_docx_round_trip(tmp_path):
    export = pytest.importorskip("pipelines.documents.export_docx")
    original = parse_protocol(REFERENCE)
    out = tmp_path / "protokoll.docx"
    export.export_docx(original, out)
    back = parse_protocol(out)
    assert_reference(back)
    assert [(i.number, i.title, i.summary, i.bullets) for i in back.items] == \
        [(i.number, i.title, i.summary, i.bullets) for i in original.items]
    for field in ("title", "number", "date", "time", "place", "secretary"):
        assert getattr(back.meeting, field) == getattr(original.meeting, field), field


def test_bad_input_gives_a_clear_message(tmp_path):
    with pytest.raises(InputError, match="finns inte"):
        parse_protocol(tmp_path / "saknas.txt")
    odd = tmp_path / "p.odt"
    odd.write_text("x")
    with pytest.raises(InputError, match="okänt filformat"):
        parse_protocol(odd)
    with pytest.raises(InputError, match="inga numrerade punkter"):
        parse_text("Bara lite text\nutan punkter 2025-01-01")
    with pytest.raises(InputError, match="mötesdatum"):
        parse_text("Protokoll\n1. Mötets öppnande\n2. Avslutning")
    broken = tmp_path / "p.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="Word-filen"):
        parse_protocol(broken)
    fake_pdf = tmp_path / "p.pdf"
    fake_pdf.write_bytes(b"%PDF-1.4 trasig")
    with pytest.raises(InputError, match="PDF"):
        parse_protocol(fake_pdf)
