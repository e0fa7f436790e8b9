"""E-mail about the justering (optional): signers hear that a protocol waits for them, the secretary
hears of a new comment and of the finished justering. Off unless an SMTP server is configured; a mail
that cannot be sent is logged and never undoes the step that caused it (the in-app list is the record).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from pydantic import BaseModel

log = logging.getLogger("protokoll.notify")


class MailSettings(BaseModel):
    host: str
    port: int = 25
    sender: str = "protokoll@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    public_url: str = ""  # "https://protokoll.kommun.se": links in the mails; relative paths without it


def send(mail: MailSettings | None, to: list[str], subject: str, body: str) -> bool:
    """Send one plain-text mail; False (and a log line) if it could not be sent or mail is off."""
    if mail is None or not to:
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail.sender, ", ".join(to), subject
    message.set_content(body)
    try:
        with smtplib.SMTP(mail.host, mail.port, timeout=15) as smtp:
            if mail.starttls:
                smtp.starttls()
            if mail.username:
                smtp.login(mail.username, mail.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as e:
        log.warning("e-post till %s kunde inte skickas – mail not sent: %s", ", ".join(to), e)
        return False
    return True


def link(mail: MailSettings, meeting_id: str) -> str:
    return f"{mail.public_url.rstrip('/')}/meetings/{meeting_id}/justering"
