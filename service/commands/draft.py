"""`protokoll draft RECORDING --meeting CARD.yaml --out DIR`: the whole job on the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError
from tqdm import tqdm

from pipelines.asr import BACKENDS, TranscribeOptions
from pipelines.drafting import DraftOptions
from pipelines.errors import InputError
from pipelines.meeting_card import load_meeting
from pipelines.models import DRAFTING, SEGMENTING, TRANSCRIBING

_ASR, _DRAFT = TranscribeOptions(), DraftOptions()  # the CLI's defaults are the options' own


class _Bars:
    """One tqdm bar per stage, with ETA, fed by run_pipeline's progress callback."""

    def __init__(self):
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, fraction: float, eta: float | None) -> None:
        labels = {TRANSCRIBING: "Transkriberar", SEGMENTING: "Delar upp", DRAFTING: "Skriver utkast"}
        bar = self.bars.get(stage)
        if bar is None:
            for done in self.bars.values():  # a new stage: the previous ones are finished
                done.n = done.total
                done.close()
            bar = self.bars[stage] = tqdm(total=1000, desc=labels.get(stage, stage), unit="‰",
                                          bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]")
        bar.n = int(fraction * 1000)
        bar.refresh()

    def close(self):
        for bar in self.bars.values():
            bar.n = bar.total
            bar.close()


def _options(options_model, backend_flag: str, /, **values):
    """The options model, or one message line per bad option (exit 2), e.g. "--drafter: 'foo' går inte …"."""
    try:
        return options_model(**values)
    except ValidationError as error:
        lines = []
        for e in error.errors():
            field = str(e["loc"][0]) if e["loc"] else ""
            flag = backend_flag if field == "backend" else f"--{field.replace('_', '-')}"
            allowed = e.get("ctx", {}).get("expected")
            lines.append(f"{flag}: {e['input']!r} går inte" + (f" (välj {allowed})" if allowed else "")
                         + f" – invalid value: {e['msg']}")
        raise InputError("ogiltigt val – invalid option:\n  " + "\n  ".join(lines)) from None


def drafter_options(drafter: str | None, llm_model: str | None, base_url: str | None) -> DraftOptions:
    """`--drafter/--llm-model/--base-url` as DraftOptions, or one clear message (exit 2)."""
    return _options(DraftOptions, "--drafter", backend=drafter or _DRAFT.backend, model=llm_model, base_url=base_url)


# The same choice for the service's jobs (`serve`, `worker`): a drafter every worker can share.
JOB_DRAFTER = typer.Option(None, "--drafter", help="Språkmodell för jobbens utkast: llama-cpp (inbyggd, standard) | openai | transformers | rules.")
JOB_LLM_MODEL = typer.Option(None, "--llm-model", help="GGUF-fil, HF-katalog eller modellnamn hos endpointen.")
JOB_BASE_URL = typer.Option(None, "--base-url", help="OpenAI-kompatibel server som arbetarna delar (vLLM, llama.cpp server); nyckel i OPENAI_API_KEY.")


def use_job_drafter(drafter: str | None, llm_model: str | None, base_url: str | None) -> None:
    """Hand the chosen drafter to the job processes this command starts (none chosen: the embedded model)."""
    if drafter or llm_model or base_url:
        from service.worker import use_drafter

        use_drafter(drafter_options(drafter, llm_model, base_url))


def register(app: typer.Typer) -> None:
    @app.command("draft")
    def draft(
        recording: Path = typer.Argument(..., help="Inspelningen (wav, mp3, m4a, ogg/opus, flac, webm)."),
        meeting: Path = typer.Option(..., "--meeting", "-m", help="Mötets kort (YAML)."),
        out: Path = typer.Option(Path("out"), "--out", "-o", help="Katalog för transcript.json, protocol.json och protokoll.docx."),
        agenda: Path | None = typer.Option(None, "--agenda", help="Dagordning som text, en numrerad punkt per rad (ersätter kortets)."),
        drafter: str = typer.Option(_DRAFT.backend, "--drafter", help="llama-cpp (inbyggd Qwen, standard) | openai | transformers | rules (utan språkmodell)"),
        llm_model: str | None = typer.Option(None, "--llm-model", help="GGUF-fil, HF-katalog eller modellnamn hos endpointen."),
        base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-kompatibel endpoint (nyckel i OPENAI_API_KEY)."),
        archive: Path | None = typer.Option(None, "--archive", help="Katalog med tidigare protokoll för stilexempel."),
        item_tokens: int = typer.Option(_DRAFT.item_token_budget, "--item-tokens", help="Hur mycket av en punkts tal språkmodellen läser (token, 10–15 min tal); längre punkter kortas till det centrala. 0 = allt."),
        asr: str = typer.Option(_ASR.backend, "--asr", help=" | ".join(BACKENDS)),
        whisper_model: str | None = typer.Option(None, "--whisper-model", help="KB-Whisper-modell (kb-whisper-small, se 'protokoll models list') eller en katalog i CTranslate2-format."),
        beam_size: int = typer.Option(_ASR.beam_size, "--beam-size"),
        threads: int = typer.Option(_ASR.threads, "--threads", help="CPU-trådar per Whisper-arbetare."),
        workers: int = typer.Option(_ASR.workers, "--workers", help="Fönster som transkriberas samtidigt (faster-whisper); trådar × arbetare ≈ antal kärnor."),
        batch_size: int = typer.Option(_ASR.batch_size, "--batch-size", help="faster-whisper: så många 30-s-bitar avkodas tillsammans (BatchedInferencePipeline); 0 = fönster för fönster (standard, säkrast på långa möten)."),
        language: str = typer.Option(_ASR.language, "--language"),
        force: bool = typer.Option(False, "--force", help="Gör om alla steg, även färdiga."),
    ) -> None:
        """Gör ett utkast till protokoll från en inspelning och mötets kort."""
        from pipelines.model_hub import resolve_whisper_model
        from pipelines.run import DOCX, PROTOCOL, TRANSCRIPT, PipelineOptions, run_pipeline

        card = load_meeting(meeting, agenda_file=agenda)
        whisper_dir = resolve_whisper_model(whisper_model) if whisper_model else None
        options = PipelineOptions(
            transcribe=_options(TranscribeOptions, "--asr", backend=asr, model_dir=whisper_dir, beam_size=beam_size,
                                threads=threads, workers=workers, batch_size=batch_size,
                                language=language),
            draft=_options(DraftOptions, "--drafter", backend=drafter, model=llm_model, base_url=base_url,
                           archive=archive, item_token_budget=item_tokens),
        )
        bars = _Bars()
        try:
            protocol = run_pipeline(recording, card, out, options=options, force=force, progress=bars)
        finally:
            bars.close()
        decisions = sum(len(i.decisions) for i in protocol.items)
        review = sum(1 for i in protocol.items if i.needs_review)
        typer.echo(f"\n{len(protocol.items)} punkter, {decisions} beslutsförslag, {review} att granska särskilt.")
        typer.echo(f"Transkript: {out / TRANSCRIPT}")
        typer.echo(f"Protokoll (JSON): {out / PROTOCOL}")
        typer.echo(f"Protokoll (Word): {out / DOCX}")
