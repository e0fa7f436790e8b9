"""Password policy: long enough, not a leaked or common password, not guessable from the account.

The lists ship with the program (no network): zxcvbn's 30 000 most common leaked passwords, and a
short list of Swedish words passwords are built from (service/data/common_passwords_sv.txt), checked
after digits and signs at either end are removed ("Sommar2024!" is "sommar"). zxcvbn's estimate then
refuses what is still easy to guess (keyboard walks, names, dates, the email address).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3  # zxcvbn's 0..4; 3 = "safely unguessable", ~10^8 guesses or more
_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@functools.cache
def _common() -> frozenset[str]:
    swedish = Path(__file__).parent / "data" / "common_passwords_sv.txt"
    words = [w.strip().lower() for w in swedish.read_text(encoding="utf-8").splitlines()
             if w.strip() and not w.startswith("#")]
    return frozenset([*FREQUENCY_LISTS["passwords"], *words])


def password_problem(password: str, user_inputs: list[str] = ()) -> str | None:
    """Why `password` is refused (Swedish – English), or None if it may be used."""
    if len(password) < MIN_LENGTH:
        return f"lösenordet måste ha minst {MIN_LENGTH} tecken – password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"lösenordet får ha högst {MAX_LENGTH} tecken – password too long"
    lowered = password.lower()
    stem = _ENDS.sub("", lowered)
    if lowered in _common() or stem in _common() or not stem:
        return ("lösenordet är ett av de vanligaste (finns i listor över läckta lösenord) – "
                "password is common or has been leaked")
    if any(len(u) >= 4 and u.lower() in lowered for u in user_inputs):
        return "lösenordet innehåller ditt namn, din e-post eller organisation – password contains your account's name"
    if zxcvbn(password[:100], user_inputs=[u for u in user_inputs if u])["score"] < MIN_SCORE:
        return ("lösenordet är för lätt att gissa; använd till exempel fyra ord som inte hör ihop – "
                "password is too easy to guess")
    return None
