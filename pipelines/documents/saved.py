"""A saved protocol.json (written by the pipeline or the review service) read back, with a clear error."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError
from ..models import Protocol


def load_protocol(path: Path | str) -> Protocol:
    """The Protocol in `path`; InputError (Swedish and English) when it is missing, not UTF-8 or not a protocol."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: filen finns inte – file not found") from None
    except (UnicodeDecodeError, IsADirectoryError):
        raise InputError(f"{path}: protokollfilen är inte UTF-8-text – the protocol file is not UTF-8 text") from None
    try:
        return Protocol.model_validate_json(raw)
    except ValidationError as e:
        if any(err["type"] == "json_invalid" for err in e.errors()):
            try:
                json.loads(raw)
            except json.JSONDecodeError as je:
                raise InputError(f"{path}: ogiltig JSON på rad {je.lineno} – invalid JSON: {je.msg}") from None
        fields = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(filen)'}: {err['msg']}" for err in e.errors()[:5])
        raise InputError(f"{path}: filen är inget protokoll (protocol.json) – not a protocol file: {fields}") from None
