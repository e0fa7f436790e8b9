"""Transcription: guards and prompt (unit), bad inputs, and real Whisper runs on real speech."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jiwer
import numpy as np
import pytest

from pipelines.errors import AudioError
from pipelines.meeting_card import load_meeting
from pipelines.models import TranscriptSegment, Word
from pipelines.asr import NO_SPEECH, TranscribeOptions, transcribe
from pipelines.asr.guards import HallucinationGuard, collapse_loops, is_silence_phrase
from pipelines.asr.transcribe import split_sentences, vocabulary_prompt
from tests.conftest import SAMPLE

GREEDY = dict(beam_size=1, workers=1)  # one window stream, as openai-whisper


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _seg(text: str, start: float = 0.0, end: float = 1.0, words: list[Word] | None = None) -> TranscriptSegment:
    return TranscriptSegment(id=0, start=start, end=end, text=text, words=words or [])


# --- post-filter and prompt (no model) ---------------------------------------------------------------

def test_the_prompt_read_back_is_told_from_talk_that_names_what_is_in_it():
    from pipelines.asr.guards import echoes_prompt

    prompt = "Jessica Mård, Anders Petersson, Tillsyn av serveringstillstånd, Svar på medborgarförslag om utegym i Folkparken."
    echo = ("Jessica Mård, Otto Kallep, och Anders Petersson, justerare, Tillsyn av serveringstillstånd, Svar på "
            "medborgarförslag om utegym i Folkparken, Svar på medborgarförslag om utegym i Folkparken.")
    assert echoes_prompt(echo, prompt)
    # the chair naming a title, the people named twice, or no prompt at all: talk, not an echo
    assert not echoes_prompt("Vi går tillbaka till punkt tre, svar på medborgarförslag om utegym i Folkparken.", prompt)
    assert not echoes_prompt("Jessica Mård för protokollet, och Jessica Mård justerar.", prompt)
    assert not echoes_prompt(echo, None)


def test_a_window_whose_prompt_was_read_back_is_heard_again_without_it():
    from pipelines.asr.transcribe import _Progress, _transcribe_window

    prompt = "Tillsyn av serveringstillstånd, Svar på medborgarförslag om utegym i Folkparken."

    class Whisper:  # reads its prompt back when it has one, as Whisper base did on a noisy ronneby-ks
        prompts: list = []

        def transcribe(self, pcm, window_prompt):
            self.prompts.append(window_prompt)
            text = (" Svar på medborgarförslag om utegym i Folkparken, Svar på medborgarförslag om utegym i Folkparken."
                    if window_prompt else " Vi kommer till punkt två, godkännande av dagordningen.")
            yield _seg(text, 0.0, 4.0, [Word(start=0.0, end=4.0, text=text)])

    backend = Whisper()
    heard = _transcribe_window(backend, 10.0, np.zeros(16000 * 5, np.float32), prompt,
                               TranscribeOptions(vad=False), _Progress(5.0, lambda _: None))
    assert backend.prompts == [prompt, None]
    assert [s.text for s in heard] == [" Vi kommer till punkt två, godkännande av dagordningen."]
    assert heard[0].start == 10.0  # times from the start of the recording

    backend.prompts.clear()
    _transcribe_window(backend, 0.0, np.zeros(16000, np.float32), None, TranscribeOptions(vad=False),
                       _Progress(1.0, lambda _: None))
    assert backend.prompts == [None]  # no prompt, nothing read back: one pass


def test_guard_drops_runs_of_three_keeps_pairs():
    guard = HallucinationGuard()
    texts = ["Tack så mycket.", "Tack så mycket.", "Tack så mycket!", "tack så mycket", "Ja.", "Ja.", "Nästa punkt."]
    out = [s.text for t in texts for s in guard.push(_seg(t))] + [s.text for s in guard.flush()]
    assert out == ["Tack så mycket.", "Ja.", "Ja.", "Nästa punkt."]


def test_silence_phrases_dropped_real_speech_kept():
    for text in ["Tack för att du tittade!", "Textning: Stina Hedin", "Svensktextning.nu", "Undertexter från Amara.org", " ..."]:
        assert is_silence_phrase(text), text
    for text in ["Tack för idag.", "Mötet beslutar att notera informationen.", "Texten i avtalet är klar."]:
        assert not is_silence_phrase(text), text


def test_collapse_loops_keeps_one_copy_and_its_words():
    words = [Word(start=i, end=i + 0.5, text=f" {w}") for i, w in enumerate("vi och så och så och så och så slut".split())]
    seg = collapse_loops(_seg(" vi och så och så och så och så slut", 0, 10, words))
    assert seg.text.split() == ["vi", "och", "så", "slut"]
    assert [w.text.strip() for w in seg.words] == ["vi", "och", "så", "slut"]
    assert collapse_loops(_seg(" ja ja nej")).text == " ja ja nej"  # two repeats are speech


def test_split_sentences_on_word_timestamps():
    words = [Word(start=0, end=1, text=" God"), Word(start=1, end=2, text=" morgon."),
             Word(start=8, end=9, text=" Punkt"), Word(start=11, end=12, text=" två.")]
    parts = split_sentences(_seg(" God morgon. Punkt två.", 0, 12, words))
    assert [(p.start, p.end, p.text) for p in parts] == [(0, 2, " God morgon."), (8, 12, " Punkt två.")]
    assert split_sentences(_seg(" Kort.", 0, 3, words[:2])) == [_seg(" Kort.", 0, 3, words[:2])]


def test_vocabulary_prompt_fits_whisper_prompt_limit():
    from tokenizers import Tokenizer

    from pipelines.weights import whisper_base_dir

    tok = Tokenizer.from_file(str(whisper_base_dir() / "tokenizer.json"))
    count = lambda t: len(tok.encode(t, add_special_tokens=False).ids)  # noqa: E731
    meeting = load_meeting(SAMPLE / "meeting.yaml")
    prompt = vocabulary_prompt(meeting.vocabulary(), count)
    assert prompt.startswith("Anders Holm, Ängelholm, Johan Berg, Klippan")
    many = [f"Ledamot{i} Efternamnsson{i} (Kommunförbundet{i})" for i in range(200)]
    long = vocabulary_prompt(many, count)
    assert 150 < count(" " + long) <= 200  # cut at whole entries within the budget
    assert long.endswith(".") and long.split(", ")[-1].rstrip(".") in many


def test_vocabulary_primes_every_chunk_in_both_backends(monkeypatch):
    """The meeting's words go to every 30-s chunk (faster-whisper's hotwords, openai-whisper's carried
    prompt), with the same decoding thresholds in both; switched off, only the first chunk is primed."""
    import inspect

    import whisper
    from faster_whisper import WhisperModel

    from pipelines.asr import DecodingOptions
    from pipelines.asr.faster import FasterWhisper
    from pipelines.asr.openai import OpenAIWhisper

    assert "hotwords" in inspect.signature(WhisperModel.transcribe).parameters  # the installed version has it
    calls: dict[str, dict] = {}

    class FakeCT2:
        def transcribe(self, pcm, **kwargs):
            calls["faster"] = kwargs
            return iter(()), None

    def fake_whisper(model, audio, **kwargs):
        calls["openai"] = kwargs
        return {"segments": []}

    monkeypatch.setattr(whisper, "transcribe", fake_whisper)
    prompt, pcm = "Maria Lind, Båstad, Budget 2027.", np.zeros(16000, np.float32)
    for every_chunk in (True, False):
        options = TranscribeOptions(decoding=DecodingOptions(vocabulary_every_chunk=every_chunk))
        faster, openai = object.__new__(FasterWhisper), object.__new__(OpenAIWhisper)  # no weights needed
        faster.options, faster.model = options, FakeCT2()
        openai.options, openai.model = options, None
        list(faster.transcribe(pcm, prompt))
        list(openai.transcribe(pcm, prompt))
        f, o = calls["faster"], calls["openai"]
        if every_chunk:
            assert f["hotwords"] == prompt and f["initial_prompt"] is None
        else:
            assert f["hotwords"] is None and f["initial_prompt"] == prompt
        assert o["initial_prompt"] == prompt and o["carry_initial_prompt"] is every_chunk
        assert f["compression_ratio_threshold"] == o["compression_ratio_threshold"] == 2.4
        assert f["log_prob_threshold"] == o["logprob_threshold"] == -1.0
        # VAD already kept only speech: Whisper's own skip of "silent" chunks is off in both
        assert f["no_speech_threshold"] is o["no_speech_threshold"] is None
        assert tuple(f["temperature"]) == tuple(o["temperature"]) == options.decoding.temperatures
        assert f["condition_on_previous_text"] is o["condition_on_previous_text"] is False
    skipping = TranscribeOptions(decoding=DecodingOptions(skip_silent_chunks=True))
    faster.options, openai.options = skipping, skipping
    list(faster.transcribe(pcm, prompt))
    list(openai.transcribe(pcm, prompt))
    assert calls["faster"]["no_speech_threshold"] == calls["openai"]["no_speech_threshold"] == 0.6


def test_unheard_speech_is_the_stretches_no_word_covers():
    from pipelines.asr.redecode import unheard

    speech = [(0.0, 10.0), (12.0, 13.5), (20.0, 21.0)]
    heard = [(0.5, 3.0), (3.1, 4.0), (6.5, 9.8)]
    # 4.0-6.5 inside the first stretch, and the whole second one; 9.8-10 and 20-21 are too short
    assert unheard(speech, heard, 1.2) == [(4.0, 6.5), (12.0, 13.5)]
    assert unheard(speech, [], 1.2) == [(0.0, 10.0), (12.0, 13.5)]


def test_speech_without_words_is_decoded_again_and_fillers_rejected():
    """A stretch of speech Whisper left without words is decoded alone; a real sentence is kept (cut to
    the stretch), a silence phrase, a loop or an improbable text is not."""
    from pipelines.asr import DecodingOptions
    from pipelines.asr.redecode import recovered

    rate = 100
    pcm = np.arange(30 * rate, dtype=np.float32)  # each sample its index: a clip tells where it starts
    heard = [_seg(" Punkt två.", 1.0, 2.0, [Word(start=1.0, end=1.5, text=" Punkt"), Word(start=1.5, end=2.0, text=" två.")])]
    speech = [(0.5, 2.0), (10.0, 13.0), (20.0, 22.0), (25.0, 27.0)]
    decoding = DecodingOptions(redecode_min_seconds=1.0, redecode_margin_seconds=0.3)
    answers = {  # clip start (stretch - margin) -> what the decoder hears, times in the clip
        970: [_seg(" Då är det beslutat.", 0.3, 2.0, [Word(start=0.1, end=0.25, text=" två."),  # the margin
                                                       Word(start=0.3, end=0.6, text=" Då"), Word(start=0.6, end=0.9, text=" är"),
                                                       Word(start=0.9, end=1.2, text=" det"), Word(start=1.2, end=2.0, text=" beslutat.")])],
        1970: [_seg(" Textning.nu", 0.3, 2.0)],
        2470: [_seg(" ja ja ja ja ja ja ja ja", 0.3, 2.0), _seg(" Mumlet", 0.3, 2.0).model_copy(update={"avg_logprob": -1.6})],
    }
    clips = []

    def decode(clip):
        clips.append(int(clip[0]))
        return iter(answers[int(clip[0])])

    got = list(recovered(decode, pcm, rate, speech, heard, decoding))
    assert sorted(clips) == [970, 1970, 2470]  # the three unheard stretches, nothing where words were heard
    assert [(s.text, s.start, s.end) for s in got] == [(" Då är det beslutat.", 10.0, 11.7)]


# --- bad inputs through transcribe() (fail before any model is loaded) ---------------------------------

def test_bad_recordings_give_audio_error(tmp_path, make_audio):
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    text = tmp_path / "agenda.mp3"
    text.write_text("1. Mötets öppnande\n" * 50)
    mp3 = make_audio("t.mp3", "sine=frequency=300", 5, "-c:a", "libmp3lame")
    truncated = tmp_path / "truncated.mp3"
    truncated.write_bytes(mp3.read_bytes()[:300])
    zero = make_audio("zero-t.wav", "anullsrc=r=16000:cl=mono", 0)
    for path in (empty, text, truncated, zero, tmp_path / "missing.wav"):
        with pytest.raises(AudioError) as err:
            transcribe(path)
        assert " – " in str(err.value), str(err.value)  # Swedish – English


@pytest.mark.slow
@pytest.mark.parametrize("source", ["anullsrc=r=16000:cl=mono", "anoisesrc=r=16000:color=pink:amplitude=0.003"],
                         ids=["silence", "low-noise"])
def test_ten_minutes_without_speech(make_audio, source):
    path = make_audio(f"quiet-{source[:5]}.flac", source, 600, "-c:a", "flac")
    with pytest.raises(AudioError, match=NO_SPEECH):
        transcribe(path)


# --- real speech -------------------------------------------------------------------------------------

@pytest.mark.slow
# espeak-ng's own sv voice: WER 1.0 with Whisper base. The female MBROLA voice is heard far worse than the
# male one (0.33 vs 0.55 over many sentences); on this sentence sw2 measured 0.73 where MBROLA is installed
# ("gå till kännerdrago" for "godkänna dagordningen"), so its bound is its own.
@pytest.mark.parametrize("voice, max_wer", [("mb-sw1", 0.6), ("mb-sw2", 0.75)])
def test_espeak_sentence(speak, voice, max_wer):
    sentence = "Mötet beslutar att godkänna dagordningen och att lägga informationen till handlingarna."
    path = speak(sentence, voice)
    tr = transcribe(path, options=TranscribeOptions(**GREEDY))
    # Whisper base on a diphone voice mishears "godkänna dagordningen"; the rest is right.
    assert jiwer.wer(_norm(sentence), _norm(tr.text())) <= max_wer, tr.text()
    assert {"informationen", "handlingarna"} <= set(_norm(tr.text()).split()), tr.text()
    assert 0.5 < tr.segments[0].start < 2.0  # the second of silence before the voice (at 1.0 s) is not speech


@pytest.fixture(scope="module")
def truth() -> dict:
    path = SAMPLE / "truth.json"
    if not path.exists():
        pytest.skip("samples/meeting/truth.json saknas")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def meeting():
    return load_meeting(SAMPLE / "meeting.yaml")


@pytest.fixture(scope="module")
def runs(sample_recording, meeting) -> dict:
    """The sample transcribed by both backends (greedy, 1 thread, float32) with the meeting's vocabulary.
    float32 on both sides isolates the backends; int8 alone moves greedy output by ~0.17 WER."""
    out = {}
    for backend in ("faster-whisper", "openai-whisper"):
        seen: list[float] = []
        options = TranscribeOptions(backend=backend, compute_type="float32", **GREEDY)
        tr = transcribe(sample_recording, meeting, options, progress=seen.append)
        out[backend] = (tr, seen)
    return out


def _check_transcript(tr, truth):
    ref = _norm(" ".join(u["text"] for u in truth["utterances"]))
    assert jiwer.wer(ref, _norm(tr.text())) <= 0.5  # Whisper base on synthetic voices: ~0.38 measured
    assert [s.id for s in tr.segments] == list(range(len(tr.segments)))
    assert tr.duration == pytest.approx(truth["duration"], abs=0.1)
    for prev, seg in zip(tr.segments, tr.segments[1:]):
        assert prev.start <= seg.start
    for seg in tr.segments:
        assert 0 <= seg.start <= seg.end <= tr.duration + 0.01
        assert seg.words, "word timestamps requested"
        for a, b in zip(seg.words, seg.words[1:]):
            assert a.start <= a.end <= b.start <= b.end
        assert seg.start <= seg.words[0].start and seg.words[-1].end <= seg.end
    # Times are right, not only ordered: most utterances have a recognised word starting within 1 s.
    starts = np.array([w.start for s in tr.segments for w in s.words])
    near = [np.abs(starts - u["start"]).min() <= 1.0 for u in truth["utterances"]]
    assert sum(near) / len(near) >= 0.8
    # No agenda item's stretch of talk is lost.
    for item in truth["items"]:
        assert any(item["start"] <= s.start < item["end"] for s in tr.segments), item["title"]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["faster-whisper", "openai-whisper"])
def test_sample_meeting(runs, truth, backend):
    tr, seen = runs[backend]
    assert tr.backend == backend and tr.model == "whisper-base" and tr.language == "sv"
    _check_transcript(tr, truth)
    assert "Maria Lind" in tr.text()  # spelled as in the meeting card (vocabulary prompt)
    assert seen and seen == sorted(seen) and seen[-1] == 1.0


@pytest.mark.slow
def test_backends_transcribe_the_sample_alike(runs):
    fw, ow = (runs[b][0] for b in ("faster-whisper", "openai-whisper"))
    assert jiwer.wer(_norm(ow.text()), _norm(fw.text())) <= 0.15  # 0.04 measured


@pytest.mark.slow
def test_window_offsets_and_default_beam(sample_recording, truth, meeting):
    # Short windows force 2-3 cuts; times must still be from the start of the recording.
    seen: list[float] = []
    tr = transcribe(sample_recording, meeting, TranscribeOptions(window_seconds=100.0, workers=2), progress=seen.append)
    _check_transcript(tr, truth)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 2
    # Two windows at a time give exactly the transcript of one at a time: order and ids are kept.
    one = transcribe(sample_recording, meeting, TranscribeOptions(window_seconds=100.0, workers=1))
    assert [(s.start, s.text) for s in tr.segments] == [(s.start, s.text) for s in one.segments]


def test_short_recordings_give_every_worker_a_window():
    from pipelines.asr.transcribe import window_seconds

    options = TranscribeOptions()
    assert window_seconds(options, 273.6, workers=1) == 600.0
    assert 120.0 < window_seconds(options, 273.6, workers=2) < 273.6 / 2 + 31  # the sample: two windows
    assert window_seconds(options, 4 * 3600, workers=2) == 600.0  # long meetings: bounded windows
    assert window_seconds(options, 60, workers=2) == 120.0  # not cut into slivers


def test_converter_splits_fused_attention(tmp_path):
    import torch
    import whisper

    from pipelines.asr.convert_ct2 import convert, read_ct2
    from pipelines.weights import whisper_base_dir

    ct2 = read_ct2(whisper_base_dir() / "model.bin")
    path = convert(whisper_base_dir(), tmp_path / "base.pt")
    assert not list(tmp_path.glob("*.partial"))
    model = whisper.load_model(str(path), device="cpu")  # strict load: every tensor present, none extra
    state = model.state_dict()
    fused = torch.from_numpy(ct2["decoder/layer_3/self_attention/linear_0/weight"].astype(np.float32))
    assert torch.equal(state["decoder.blocks.3.attn.key.weight"], fused[512:1024])
    assert not ct2["decoder/layer_3/self_attention/linear_0/bias"][512:1024].any()  # zero key bias, dropped
    kv = torch.from_numpy(ct2["decoder/layer_2/attention/linear_1/weight"].astype(np.float32))
    assert torch.equal(state["decoder.blocks.2.cross_attn.value.weight"], kv[512:])
    assert model.dims.n_text_layer == 6 and model.is_multilingual


@pytest.mark.slow
def test_talk_in_a_noisy_quiet_room_is_not_skipped_as_silence():
    """hudiksvall-kfn is spoken at −21 dB in a room with noise at −19 dB and long reverb. Whisper judged
    whole 30-s chunks of its talk silent and skipped them: 51 of its 104 sentences were lost. Voice activity
    already kept only speech, so no chunk is skipped now (25 lost, what Whisper base mishears)."""
    from eval.hearing import measure

    case = SAMPLE.parent / "corpus" / "hudiksvall-kfn"
    truth = json.loads((case / "truth.json").read_text(encoding="utf-8"))
    heard = measure(transcribe(case / "recording.opus", load_meeting(case / "meeting.yaml"), TranscribeOptions()), truth)
    assert heard["sentences"] == 104
    assert heard["lost"] <= 35, heard["lost_text"]
