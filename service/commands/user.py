"""`protokoll user add EMAIL --org ORG`: local accounts for the review service."""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Användare i granskningstjänsten.", no_args_is_help=True)

    def _sessions(data_dir: Path | None):
        from service.app import Settings
        from service.db import open_db

        return open_db(Settings.from_env(data_dir).data_dir)

    @users.command("add")
    def add(
        email: str = typer.Argument(..., help="E-postadress (inloggningsnamn)."),
        org: str = typer.Option(..., "--org", help="Organisation; bara dess användare ser dess möten."),
        data_dir: Path = typer.Option(None, "--data-dir", help="Samma katalog som för `protokoll serve`."),
    ) -> None:
        """Lägg till en användare. Lösenordet läses från stdin (en rad) eller frågas efter."""
        from service.auth import add_user

        if sys.stdin.isatty():
            password = typer.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        with _sessions(data_dir)() as db:
            user = add_user(db, email, password, org)
        typer.echo(f"Användare {user.email} skapad i organisationen {org}.")

    @users.command("list")
    def list_users(data_dir: Path = typer.Option(None, "--data-dir")) -> None:
        """Visa användare och deras organisation."""
        from sqlalchemy import select

        from service.db import Org, User

        with _sessions(data_dir)() as db:
            for user, org in db.execute(select(User, Org).join(Org, User.org_id == Org.id).order_by(User.email)):
                typer.echo(f"{user.email}\t{org.name}")

    app.add_typer(users, name="user")
