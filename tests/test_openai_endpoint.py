"""The OpenAI-compatible path against a real local server: llama-cpp-python's server on 127.0.0.1
with the embedded model (no mock)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from pipelines.chain import LLMDrafter
from pipelines.draft import DraftOptions
from pipelines.weights import qwen_gguf
from tests.test_chain import MEETING, item

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(qwen_gguf()), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--model_alias", "qwen-embedded"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(120):
            if proc.poll() is not None:
                pytest.fail(f"llama-servern startade inte:\n{log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(base + "/models", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("llama-servern svarade inte inom 60 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_openai_compatible_endpoint_drafts_a_grounded_item(llama_server):
    options = DraftOptions(backend="openai", base_url=llama_server, model="qwen-embedded")
    draft = LLMDrafter(options, MEETING).draft_item(*item())
    assert draft.drafter.startswith("openai")
    assert len(draft.summary.split()) >= 5
    decided = [d for d in draft.decisions if d.kind == "decided"]
    assert len(decided) == 1 and "samarbetsavtal" in decided[0].text
    assert decided[0].evidence[0].start == 34.0


def test_unreachable_endpoint_gives_flagged_fallback_not_a_crash():
    options = DraftOptions(backend="openai", base_url=f"http://127.0.0.1:{_free_port()}/v1", model="x")
    draft = LLMDrafter(options, MEETING).draft_item(*item())
    assert draft.needs_review and "kunde inte användas" in draft.flags[0]
    assert [d.text for d in draft.decisions] == ["att skriva under samarbetsavtalet för traineeprogrammet"]
