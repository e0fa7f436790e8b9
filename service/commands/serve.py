"""`protokoll serve`: the review service (web UI + API + background worker) in one command."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Adress att lyssna på."),
        port: int = typer.Option(8000, "--port"),
        data_dir: Path = typer.Option(None, "--data-dir", help="Katalog för databas och inspelningar (standard: ./data eller PROTOKOLL_DATA_DIR)."),
        max_upload_mb: float = typer.Option(None, "--max-upload-mb", help="Största tillåtna uppladdning i MB (standard 2048)."),
        secure_cookies: bool = typer.Option(None, "--secure-cookies/--no-secure-cookies", help="Kräv HTTPS för sessionskakan."),
        pipeline: str = typer.Option("pipelines.run", "--pipeline", hidden=True,
                                     help="Modul med run_pipeline och redraft_item (tester och mätningar)."),
    ) -> None:
        """Starta granskningstjänsten (webb, API och bakgrundsjobb)."""
        import uvicorn

        from service.app import Settings, create_app

        settings = Settings.from_env(
            data_dir, secure_cookies=secure_cookies,
            max_upload_bytes=int(max_upload_mb * 1024 * 1024) if max_upload_mb else None)
        typer.echo(f"Data: {settings.data_dir.resolve()}  –  http://{host}:{port}/")
        uvicorn.run(create_app(settings, pipeline=pipeline), host=host, port=port, log_level="info")
