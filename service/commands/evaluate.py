"""`protokoll eval`: score a drafted protocol against the archived one, or a whole suite of meetings."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pipelines.errors import InputError


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def evaluate_command(
        draft: Path | None = typer.Option(None, "--draft", help="Utkastet: protocol.json (eller .docx/.txt)."),
        archived: Path | None = typer.Option(None, "--archived", help="Arkiverat protokoll: .txt, .docx eller .pdf."),
        truth: Path | None = typer.Option(None, "--truth", help="truth.json med punkternas start/slut (ger Pk och WindowDiff)."),
        final: Path | None = typer.Option(None, "--final", help="Sekreterarens slutversion (för post-edit rate mot utkastet)."),
        json_out: Path | None = typer.Option(None, "--json", help="Skriv resultatet som JSON hit."),
        html_out: Path | None = typer.Option(None, "--html", help="Skriv en HTML-rapport (punkt för punkt) hit."),
        suite: Path | None = typer.Option(None, "--suite", help="Katalog med fall (recording.*, meeting.yaml, protokoll.*)."),
        backend: list[str] = typer.Option([], "--backend", help="Backend att jämföra i sviten (upprepa), t.ex. rules, llama-cpp."),
        drafts: Path | None = typer.Option(None, "--drafts", help="Färdiga utkast: DRAFTS/<backend>/<fall>.json (ingen modell körs)."),
        out: Path = typer.Option(Path("out/suite"), "--out", help="Arbetskatalog för sviten."),
        split: str | None = typer.Option(None, "--split", help="Bara fallen i den här delen av SVIT/splits.yaml (dev, test)."),
        reuse_transcripts: bool = typer.Option(False, "--reuse-transcripts",
                                               help="Skriv utkasten från fallens sparade transcript.json(.gz), utan Whisper."),
        said: bool = typer.Option(False, "--said",
                                  help="Skriv utkasten från orden manuset sa (truth.json): metodernas tak, som om allt hördes."),
    ) -> None:
        """Jämför ett utkast med det arkiverade protokollet (eller kör en hel svit med topplista)."""
        if suite is not None:
            _suite(suite, backend, drafts, out, json_out, split, reuse_transcripts, said)
            return
        if draft is None or archived is None:
            raise InputError("ange --draft och --archived (eller --suite KATALOG) – give --draft and --archived, or --suite")
        from eval.metrics import post_edit_rate, protocol_text
        from pipelines.documents import parse_protocol
        from eval.report import render_html, render_table
        from eval.score import evaluate
        from eval.suite import load_reference_times

        drafted, reference = parse_protocol(draft), parse_protocol(archived)
        times = load_reference_times(truth) if truth else None
        result = evaluate(drafted, reference, times)
        typer.echo(render_table(result))
        data = result.model_dump(mode="json")
        from eval.political import political_scores, render

        political = political_scores(draft, archived)  # yrkanden, omröstning … of a political body
        if political is not None:
            typer.echo("\n" + render(political))
            data["political"] = political.model_dump(mode="json")
        if final is not None:
            rate = post_edit_rate(protocol_text(drafted), protocol_text(parse_protocol(final)))
            data["post_edit_rate"] = rate
            typer.echo(f"\nPost-edit rate (ordändringar / slutversionens ord): {rate:.3f}")
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
            typer.echo(f"\nJSON: {json_out}")
        if html_out:
            html_out.parent.mkdir(parents=True, exist_ok=True)
            page = render_html(result)
            if political is not None:  # the political table after the general report
                from html import escape

                page = page.replace("</body>", f"<h2>Politiskt organ</h2><pre>{escape(render(political))}</pre></body>", 1)
            html_out.write_text(page, encoding="utf-8")
            typer.echo(f"HTML: {html_out}")


def _suite(root: Path, backends: list[str], drafts: Path | None, out: Path, json_out: Path | None,
           split: str | None, reuse_transcripts: bool, said: bool = False) -> None:
    from eval.corpus import render_meetings
    from eval.political import render as render_political
    from eval.suite import render_leaderboard, run_suite

    result = run_suite(root, backends or None, drafts=drafts, out_dir=out, split=split,
                       reuse_transcripts=reuse_transcripts, said=said)
    typer.echo(render_leaderboard(result.leaderboard))
    for backend, rows in result.meetings.items():
        typer.echo(f"\n{backend}{f' ({split})' if split else ''}: per möte och sammanlagt "
                   "(punkter hittade, gränser inom 3 s, beslut, att-satsernas chrF, sammanfattning, nyckelfakta)")
        typer.echo(render_meetings(rows))
    for backend, by_case in result.political.items():
        for case, scores in by_case.items():
            typer.echo(f"\n{backend}, {case}: politiskt organ\n{render_political(scores)}")
    for key, message in result.errors.items():
        typer.echo(f"Fel i {key}: {message}", err=True)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(result.model_dump_json(indent=2), encoding="utf-8")
        typer.echo(f"\nJSON: {json_out}")
