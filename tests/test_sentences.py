from pipelines.models import Transcript, TranscriptSegment, Word
from pipelines.sentences import split_sentences


def test_long_segment_is_split_at_sentence_ends_with_word_times():
    words = [Word(start=10 + i, end=10.5 + i, text=f" {w}") for i, w in
             enumerate("Mötet beslutar att notera informationen. Då går vi vidare till punkt tre.".split())]
    seg = TranscriptSegment(id=0, start=10, end=25, text="…", words=words)
    plain = TranscriptSegment(id=1, start=30, end=31, text="Utan ordtider.")
    t = split_sentences(Transcript(language="sv", duration=40, backend="t", model="m", segments=[seg, plain]))
    assert [(s.id, s.start, s.end, s.text) for s in t.segments] == [
        (0, 10, 14.5, "Mötet beslutar att notera informationen."),
        (1, 15, 21.5, "Då går vi vidare till punkt tre."),
        (2, 30, 31, "Utan ordtider."),
    ]
