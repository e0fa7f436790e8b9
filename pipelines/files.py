"""Files written whole or not at all: a crash never leaves half a stage output that looks finished."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel


def write_json(path: Path, data: BaseModel | dict) -> None:
    """`data` as indented UTF-8 JSON at `path` (folders made as needed), via a temporary file and a rename."""
    path = Path(path)
    text = data.model_dump_json(indent=2) if isinstance(data, BaseModel) else json.dumps(data, indent=2, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
