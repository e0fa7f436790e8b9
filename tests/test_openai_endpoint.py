"""The OpenAI-compatible path against a real local server: llama-cpp-python's server on 127.0.0.1
with the embedded model (no mock)."""

import pytest

from bench.common import free_port
from pipelines.drafting import DraftOptions
from pipelines.drafting.drafter import LLMDrafter
from tests.test_chain import MEETING, item

pytestmark = pytest.mark.slow


def test_openai_compatible_endpoint_drafts_a_grounded_item(llama_server):
    options = DraftOptions(backend="openai", base_url=llama_server, model="qwen-embedded")
    draft = LLMDrafter(options, MEETING).draft_item(*item())
    assert draft.drafter.startswith("openai")
    assert len(draft.summary.split()) >= 5
    decided = [d for d in draft.decisions if d.kind == "decided"]
    assert len(decided) == 1 and "samarbetsavtal" in decided[0].text
    assert decided[0].evidence[0].start == 34.0


def test_unreachable_endpoint_gives_flagged_fallback_not_a_crash():
    options = DraftOptions(backend="openai", base_url=f"http://127.0.0.1:{free_port()}/v1", model="x")
    draft = LLMDrafter(options, MEETING).draft_item(*item())
    assert draft.needs_review and "kunde inte användas" in draft.flags[0]
    assert [d.text for d in draft.decisions] == ["att skriva under samarbetsavtalet för traineeprogrammet"]
