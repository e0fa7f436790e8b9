"""`protokoll user add|list|passwd|disable|enable|delete`: local accounts of the review service."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

DATA_DIR = typer.Option(None, "--data-dir", help="Samma katalog som för `protokoll serve`.")
DATABASE_URL = typer.Option(None, "--database-url", help="Samma databas som för `protokoll serve` (standard: SQLite i "
                            "datakatalogen eller PROTOKOLL_DATABASE_URL).")


def _sessions(data_dir: Path | None, database_url: str | None):
    from service.app import Settings
    from service.db import open_db

    settings = Settings.from_env(data_dir, database_url=database_url)
    return open_db(settings.data_dir, settings.database_url)


def _read_password() -> str:
    """From stdin (one line) or asked for twice on a terminal."""
    if sys.stdin.isatty():
        return typer.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Användare i granskningstjänsten.", no_args_is_help=True)

    @users.command("add")
    def add(
        email: str = typer.Argument(..., help="E-postadress (inloggningsnamn)."),
        org: str = typer.Option(..., "--org", help="Organisation; bara dess användare ser dess möten."),
        role: str = typer.Option("sekreterare", "--role",
                                 help="sekreterare (skriver protokollet) eller granskare (ordförande/justerare: "
                                      "läser, kommenterar och justerar)."),
        name: str = typer.Option(None, "--name", help="Namnet som det står i protokollet, t.ex. \"Erik Svensson\"."),
        data_dir: Path = DATA_DIR, database_url: str = DATABASE_URL,
    ) -> None:
        """Lägg till en användare. Lösenordet (minst 12 tecken, inte ett vanligt) läses från stdin eller frågas efter."""
        from service.auth import add_user

        password = _read_password()
        with _sessions(data_dir, database_url)() as db:
            user = add_user(db, email, password, org, role=role, name=name)
        typer.echo(f"Användare {user.email} ({user.role}) skapad i organisationen {org}.")

    @users.command("list")
    def list_users(data_dir: Path = DATA_DIR, database_url: str = DATABASE_URL) -> None:
        """Visa användare, deras organisation och om de är avstängda."""
        from sqlalchemy import select

        from service.db import Org, User

        with _sessions(data_dir, database_url)() as db:
            for user, org in db.execute(select(User, Org).join(Org, User.org_id == Org.id).order_by(User.email)):
                typer.echo(f"{user.email}\t{org.name}\t{user.role}" + ("\tavstängd" if user.disabled else ""))

    @users.command("passwd")
    def passwd(email: str = typer.Argument(...), data_dir: Path = DATA_DIR, database_url: str = DATABASE_URL) -> None:
        """Byt lösenord (läses från stdin eller frågas efter); användarens alla sessioner avslutas."""
        from service.auth import set_password

        password = _read_password()
        with _sessions(data_dir, database_url)() as db:
            ended = set_password(db, email, password)
        typer.echo(f"Lösenordet bytt för {email}; {ended} sessioner avslutade.")

    @users.command("disable")
    def disable(email: str = typer.Argument(...), data_dir: Path = DATA_DIR, database_url: str = DATABASE_URL) -> None:
        """Stäng av en användare: kan inte logga in, alla sessioner avslutas."""
        from service.auth import set_disabled

        with _sessions(data_dir, database_url)() as db:
            ended = set_disabled(db, email, True)
        typer.echo(f"{email} är avstängd; {ended} sessioner avslutade.")

    @users.command("enable")
    def enable(email: str = typer.Argument(...), data_dir: Path = DATA_DIR, database_url: str = DATABASE_URL) -> None:
        """Släpp in en avstängd användare igen."""
        from service.auth import set_disabled

        with _sessions(data_dir, database_url)() as db:
            set_disabled(db, email, False)
        typer.echo(f"{email} kan logga in igen.")

    @users.command("delete")
    def delete(email: str = typer.Argument(...), data_dir: Path = DATA_DIR, database_url: str = DATABASE_URL) -> None:
        """Ta bort en användare och avsluta dess sessioner (mötena finns kvar i organisationen)."""
        from service.auth import delete_user

        with _sessions(data_dir, database_url)() as db:
            delete_user(db, email)
        typer.echo(f"{email} är borttagen.")

    app.add_typer(users, name="user")
