"""The `protokoll` command. Each subcommand lives in service/commands/<name>.py with a register(app)."""

from __future__ import annotations

import importlib
import os
import sys

import typer

from pipelines.errors import ProtokollError

# llama.cpp and torch busy-wait by default; on 2 cores that starves the other process.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

app = typer.Typer(
    help="Protokoll: från mötesinspelning till utkast till protokoll (lokalt, offline).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMANDS = ["draft", "export", "parse", "evaluate", "serve", "worker", "user", "bench", "models", "verify"]

for name in COMMANDS:
    importlib.import_module(f"service.commands.{name}").register(app)


def main() -> None:
    try:
        app()
    except ProtokollError as e:
        typer.echo(f"Fel: {e}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
