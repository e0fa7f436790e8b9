"""What Whisper heard against what a corpus meeting's script said (truth.json): the word error rate, and
the sentences and decisions it lost. A truth sentence is "lost" when under a third of its words are heard
in its own time span (±1 s); a decision is lost when every sentence said while it was decided is lost."""

from __future__ import annotations

from pipelines.models import Transcript, TranscriptSegment, Word
from pipelines.text import split_sentences, words


def spoken_words(text: str) -> str:
    """Lower-case words and numbers, one space apart: what WER compares."""
    return " ".join(words(text))


LOST_SHARE = 1 / 3  # under this share of a sentence's words heard: lost
SLACK = 1.0  # seconds either side of a sentence's span


def truth_sentences(truth: dict) -> list[tuple[float, float, str]]:
    """Each utterance's sentences, timed in proportion to their length (the truth times utterances)."""
    out = []
    for u in truth["utterances"]:
        parts = split_sentences(u["text"]) or [u["text"]]
        total = sum(len(p) for p in parts) or 1
        t = u["start"]
        for p in parts:
            d = (u["end"] - u["start"]) * len(p) / total
            out.append((t, t + d, p))
            t += d
    return out


def said_transcript(truth: dict) -> Transcript:
    """What the script said, as a flawless ASR would give it: one segment per sentence, timed as
    truth_sentences() times it, its words spread evenly over it. Drafting from it measures the methods
    apart from hearing: what segmentation and drafting reach when every word is heard."""
    segments = []
    for i, (start, end, text) in enumerate(truth_sentences(truth)):
        tokens = text.split()
        step = (end - start) / max(len(tokens), 1)
        segments.append(TranscriptSegment(id=i, start=start, end=end, text=" " + text, words=[
            Word(start=start + k * step, end=start + (k + 1) * step, text=" " + t) for k, t in enumerate(tokens)]))
    return Transcript(language="sv", duration=truth["duration"], backend="manus", model="orden som sades",
                      segments=segments)


def heard_share(sentence: tuple[float, float, str], words: list[tuple[float, str]]) -> float:
    start, end, text = sentence
    said = spoken_words(text).split()
    heard = {w for t, w in words if start - SLACK <= t <= end + SLACK}
    return sum(w in heard for w in said) / len(said) if said else 1.0


def measure(transcript, truth: dict) -> dict:
    import jiwer

    words = [((w.start + w.end) / 2, n) for s in transcript.segments for w in s.words for n in spoken_words(w.text).split()]
    sentences = truth_sentences(truth)
    lost = [s for s in sentences if heard_share(s, words) < LOST_SHARE]
    decisions_lost = decision_sentences_lost = 0
    for d in truth["decisions"]:
        if d.get("start") is None:
            continue  # not said (an unspoken decision): nothing to hear
        inside = [s for s in sentences if s[0] < d["end"] and s[1] > d["start"]]
        decisions_lost += bool(inside) and all(s in lost for s in inside)
        decision_sentences_lost += sum(s in lost for s in inside)
    reference = spoken_words(" ".join(u["text"] for u in truth["utterances"]))
    return {"wer": jiwer.wer(reference, spoken_words(transcript.text())), "sentences": len(sentences),
            "lost": len(lost), "decisions": sum(d.get("start") is not None for d in truth["decisions"]),
            "decisions_lost": decisions_lost, "decision_sentences_lost": decision_sentences_lost, "lost_text": [s[2] for s in lost]}
