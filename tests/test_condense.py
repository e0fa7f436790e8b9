"""Long items: what the language model reads (pipelines/drafting/condense.py) and map-reduce over it."""

import json
import math

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from pipelines.drafting import DraftOptions
from pipelines.drafting.condense import condense
from pipelines.drafting.drafter import LLMDrafter
from pipelines.models import Meeting, Segment, Transcript, TranscriptSegment

from pipelines.decisions import DECISION_TALK

from .test_chain import MEETING

TOPICS = [
    "Budgeten för gymnasieskolan ökar med tre procent nästa år enligt förvaltningens förslag.",
    "Skolskjutsarna i norra kommundelen kostar mer sedan upphandlingen av bussbolaget.",
    "Lokalerna på Västra skolan behöver renoveras och ventilationen byts under sommaren.",
    "Rekryteringen av lärare i matematik och svenska som andraspråk är fortsatt svår.",
    "Elevhälsan har fått två nya kuratorer och väntetiderna har halverats sedan i våras.",
]
DECISION = "Mötet beslutar att ge förvaltningen i uppdrag att ta fram en plan för lokalerna."
PLACES = ["biblioteket", "simhallen", "fritidsgården", "förskolan", "äldreboendet", "idrottshallen",
          "kulturskolan", "museet", "hamnen", "lekplatsen", "stationen", "rådhuset", "badplatsen"]
MATTERS = ["parkeringen", "cykelbanan", "belysningen", "snöröjningen", "vattenledningen", "taket",
           "hissen", "köket", "entrén", "fasaden", "värmen"]


def long_item(rounds: int = 30, new_matters: bool = False) -> tuple[Transcript, Segment]:
    """An item where the same five matters come up again and again (word for word), one decision in the
    middle; with `new_matters` each round also brings up something not said before."""
    texts = ["Vi går vidare till punkt två, skolans ekonomi."]
    for r in range(rounds):
        texts += TOPICS
        if new_matters:
            texts.append(f"Offert {1001 + r} om {MATTERS[r % len(MATTERS)]} vid {PLACES[r % len(PLACES)]} togs upp.")
        if r == rounds // 2:
            texts.append(DECISION)
    texts.append("Ordföranden sammanfattade diskussionen om skolans ekonomi och lokaler.")
    segs = [TranscriptSegment(id=i, start=10.0 * i, end=10.0 * i + 8, text=t) for i, t in enumerate(texts)]
    transcript = Transcript(language="sv", duration=10.0 * len(segs), backend="test", model="hand", segments=segs)
    segment = Segment(number=2, title="Skolans ekonomi", start=0.0, end=10.0 * len(segs), confidence=0.9,
                      segment_ids=[s.id for s in segs])
    return transcript, segment


def test_short_items_are_read_whole():
    transcript, _ = long_item(rounds=2)
    assert condense(transcript.segments, 100_000) == list(range(len(transcript.segments)))


def test_condensed_item_keeps_decisions_opening_and_summing_up_and_each_matter_once():
    transcript, _ = long_item()
    segs = transcript.segments
    budget = 1500
    read = condense(segs, budget, keep=DECISION_TALK)
    texts = [segs[i].text for i in read]
    assert read == sorted(read) and sum(len(t) + 12 for t in texts) <= budget
    assert DECISION in texts
    assert read[0] == 0 and read[-1] == len(segs) - 1  # the chair's opening and summing-up
    for topic in TOPICS:  # every matter is read, and not over and over
        assert texts.count(topic) == 1, topic
    assert len(read) < len(segs) / 4


def _reply(summary: str, decisions=()) -> str:
    return json.dumps({"summary": summary, "decisions": list(decisions), "speakers_mentioned": []}, ensure_ascii=False)


class RecordingChat(FakeListChatModel):
    """A fake model that keeps the prompts it was given (the real model is tested in test_chain/test_sample)."""

    seen: list = []

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append("\n".join(str(m.content) for m in messages))
        return super()._call(messages, stop, run_manager, **kwargs)


def test_long_item_is_drafted_map_reduce_from_the_selection_with_item_global_evidence():
    transcript, segment = long_item(rounds=150, new_matters=True)
    segs = transcript.segments
    decision_at = next(i for i, s in enumerate(segs) if s.text == DECISION)
    clause = {"text": "att ge förvaltningen i uppdrag att ta fram en plan för lokalerna", "kind": "assigned",
              "evidence": [decision_at]}
    replies = [_reply("Förvaltningen redogjorde för budgeten och skolskjutsarna.", [clause]),
               _reply("Lokalerna och elevhälsan diskuterades."),
               _reply("Mötet diskuterade skolans ekonomi, lokaler, skolskjutsar och elevhälsa.")]
    model = RecordingChat(responses=replies)
    model.seen = []
    options = DraftOptions(backend="llama-cpp", item_token_budget=2500)  # 7500 characters: two map calls
    draft = LLMDrafter(options, MEETING, model=model).draft_item(transcript, segment)

    assert len(model.seen) == 3  # two map calls and one reduce
    assert f"[{decision_at}]" in "".join(model.seen[:2])  # numbered by its place in the item
    assert f"[{decision_at - 2}]" not in "".join(model.seen[:2])  # a word-for-word repeat was left out
    assert draft.summary.startswith("Mötet diskuterade skolans ekonomi")
    assert [d.kind for d in draft.decisions] == ["assigned"]
    assert draft.decisions[0].evidence[0].start == segs[decision_at].start
    assert any(f.startswith("Lång punkt") for f in draft.flags) and draft.needs_review


def test_a_zero_budget_reads_everything():
    transcript, segment = long_item(rounds=6)
    model = RecordingChat(responses=[_reply("Skolans ekonomi diskuterades.")] * 3)
    model.seen = []
    LLMDrafter(DraftOptions(backend="llama-cpp", item_token_budget=0), MEETING, model=model).draft_item(transcript, segment)
    assert all(f"[{i}]" in "".join(model.seen) for i in range(len(transcript.segments)))


class CountingChat(RecordingChat):
    """A fake model that knows its context and counts tokens, as the embedded llama.cpp model does."""

    n_ctx: int = 6144

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(text) / 2.5)


def test_an_item_within_the_models_context_is_drafted_in_one_call_that_fits():
    transcript, segment = long_item(rounds=150, new_matters=True)
    model = CountingChat(responses=[_reply("Mötet diskuterade skolans ekonomi, lokaler och elevhälsa.")])
    model.seen = []
    options = DraftOptions(backend="llama-cpp", item_token_budget=3000, max_tokens=600)
    drafter = LLMDrafter(options, MEETING, model=model)
    draft = drafter.draft_item(transcript, segment)

    assert 3000 < drafter.call_tokens < 6144 - 600 - 1000  # the instructions and the answer take the rest
    assert len(model.seen) == 1  # no map-reduce, no reduce call
    assert model.count_tokens(model.seen[0]) + options.max_tokens <= model.n_ctx
    assert model.count_tokens(model.seen[0]) > 1800 + 2500  # and it was filled with talk, up to the budget
    assert any(f.startswith("Lång punkt") for f in draft.flags)


def test_reading_everything_splits_into_calls_that_each_fit_the_context():
    transcript, segment = long_item(rounds=150, new_matters=True)
    model = CountingChat(responses=[_reply("Skolans ekonomi diskuterades.")] * 20)
    model.seen = []
    options = DraftOptions(backend="llama-cpp", item_token_budget=0, max_tokens=600)
    LLMDrafter(options, MEETING, model=model).draft_item(transcript, segment)

    maps = model.seen[:-1]  # the last call is the reduce
    assert len(maps) >= 3
    assert all(model.count_tokens(m) + options.max_tokens <= model.n_ctx for m in maps)
    assert all(f"[{i}]" in "".join(maps) for i in range(len(transcript.segments)))
