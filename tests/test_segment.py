"""Segmentation by agenda item on hand-written transcripts (the real Whisper path is tested on the
sample meeting in test_pipeline.py)."""

from pipelines.models import AgendaItem, Transcript, TranscriptSegment, Word
from pipelines.segment import find_cue, segment_by_agenda

AGENDA = [
    AgendaItem(number=1, title="Mötets öppnande"),
    AgendaItem(number=2, title="Ekonomisk uppföljning efter februari"),
    AgendaItem(number=3, title="Samarbetsavtal för traineeprogrammet"),
    AgendaItem(number=4, title="Lokalförsörjning i stadshuset"),
    AgendaItem(number=5, title="Mötets avslutande"),
]


def transcript(lines: list[tuple[float, float, str]]) -> Transcript:
    segs = [TranscriptSegment(id=i, start=s, end=e, text=t) for i, (s, e, t) in enumerate(lines)]
    return Transcript(language="sv", duration=lines[-1][1] + 2, backend="test", model="hand", segments=segs)


def test_cues_in_chair_phrases():
    assert find_cue("Vi går vidare till punkt tre, samarbetsavtalet.").number == 3
    assert find_cue("Nästa ärende är punkt 4.").number == 4
    assert find_cue("Punkt fem gäller mötets avslutande.").number == 5
    assert find_cue("Nästa ärende.").transition
    assert find_cue("Budgeten ser bra ut i år.") is None


def test_items_follow_chair_transitions_and_skip_items_without_talk():
    t = transcript([
        (0.0, 4.0, "Välkomna allihop. Jag förklarar mötet öppnat."),
        (6.0, 10.0, "Vi går vidare till punkt två, ekonomisk uppföljning."),
        (11.0, 20.0, "Ekonomin efter februari visar ett litet överskott."),
        (21.0, 25.0, "Mötet beslutar att notera informationen."),
        # item 3 never discussed
        (28.0, 33.0, "Nästa ärende är punkt fyra, lokalförsörjningen i stadshuset."),
        (34.0, 44.0, "Lokalerna i stadshuset räcker inte till alla förvaltningar."),
        (47.0, 50.0, "Punkt fem, mötets avslutande. Tack för i dag."),
    ])
    seg = segment_by_agenda(t, AGENDA)
    by_number = {s.number: s for s in seg.items}
    assert [s.number for s in seg.items] == [1, 2, 3, 4, 5]
    assert by_number[1].start == 0.0 and by_number[1].end == 6.0
    assert by_number[2].start == 6.0 and by_number[2].segment_ids == [1, 2, 3]
    assert by_number[3].start is None and by_number[3].segment_ids == []
    assert by_number[4].start == 28.0 and by_number[4].end == 47.0
    assert by_number[5].segment_ids == [6]
    assert by_number[2].confidence > 0.8


def test_transition_inside_a_segment_uses_word_times():
    words = [Word(start=30.0 + i, end=30.5 + i, text=w) for i, w in
             enumerate("Tack för det. Vi går vidare till punkt fyra lokalerna".split())]
    t = transcript([
        (0.0, 4.0, "Välkomna. Punkt två, ekonomisk uppföljning efter februari."),
        (5.0, 29.0, "Ekonomin visar ett överskott."),
    ])
    t.segments.append(TranscriptSegment(id=2, start=30.0, end=40.0,
                                        text="Tack för det. Vi går vidare till punkt fyra lokalerna", words=words))
    seg = segment_by_agenda(t, AGENDA)
    assert seg.items[3].start == 33.0  # "Vi" is the fourth word


def test_no_agenda_infers_items_from_transitions():
    t = transcript([
        (0.0, 4.0, "Välkomna till mötet."),
        (5.0, 9.0, "Vi går vidare till punkt två, budgeten för nästa år."),
        (10.0, 19.0, "Budgeten är i balans."),
        (20.0, 24.0, "Då går vi över till punkt tre som gäller lokalerna."),
    ])
    seg = segment_by_agenda(t, [])
    assert seg.method == "inferred-transitions"
    assert [s.start for s in seg.items] == [0.0, 5.0, 20.0]
    assert seg.items[1].title.lower().startswith("budgeten")
    assert all(s.inferred for s in seg.items)


def test_whisper_punctuation_around_item_numbers():
    assert find_cue("Då går vi vidare till punkt, två information om arbetet.").number == 2
    assert find_cue("Då kommer vi till punkten nummer åtta mötets avslutande.").number == 8
    assert find_cue("Då går vi över till punkt nr.", following="7 som gäller kompetensförsörjning.").number == 7
    assert find_cue("Då går vi över till punkt nr.").number is None
    # Whisper glues words together: "tillpunkt".
    cue = find_cue("Då går vi över tillpunkt nummer 7 som gäller information om kompetens försörjning.")
    assert cue is not None and cue.number == 7
    assert find_cue("Vi diskuterade utgångspunkt nummer två i rapporten.") is None  # only "till" + "punkt"
