"""Where a meeting's files live, and how an upload gets there without being held in memory.

Layout of the data dir (everything the service keeps):

    DIR/protokoll.db            SQLite: users, sessions, meetings, protocol versions, audit trail
    DIR/meetings/<id>/recording.<ext>   the uploaded recording
    DIR/meetings/<id>/meeting.yaml      the uploaded meeting card
    DIR/meetings/<id>/job/              pipeline stage outputs (transcript.json, segments.json, …)
    DIR/meetings/<id>/exports/          generated .docx files
    DIR/uploads/<tmp>/                  uploads in flight; moved into meetings/ only when complete

An upload is parsed as a stream: each part is written chunk by chunk to the staging folder and the
byte count is checked as it arrives, so a 2 GB recording never sits in RAM and an oversized one is
stopped early. Any failure removes the staging folder: nothing half-written is left behind.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from typing import IO

from pydantic import BaseModel
from python_multipart.multipart import MultipartParser, parse_options_header

from pipelines.audio import probe
from pipelines.errors import InputError

from .errors import TooLarge

DEFAULT_MAX_UPLOAD = 2 * 1024**3  # 2 GB


class UploadTooLarge(TooLarge):
    pass


class UploadedFile(BaseModel):
    field: str
    filename: str
    path: Path
    size: int


class DataDir:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def meeting_dir(self, meeting_id: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{32}", meeting_id):
            raise InputError("ogiltigt mötes-id – invalid meeting id")
        return self.root / "meetings" / meeting_id

    def job_dir(self, meeting_id: str) -> Path:
        return self.meeting_dir(meeting_id) / "job"

    def recording(self, meeting_id: str) -> Path | None:
        found = sorted(self.meeting_dir(meeting_id).glob("recording.*"))
        return found[0] if found else None

    def card(self, meeting_id: str) -> Path:
        return self.meeting_dir(meeting_id) / "meeting.yaml"

    def new_staging(self) -> Path:
        path = self.root / "uploads" / uuid.uuid4().hex
        path.mkdir(parents=True)
        return path

    def commit_staging(self, staging: Path, meeting_id: str) -> Path:
        target = self.meeting_dir(meeting_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(target)  # same filesystem: atomic
        return target

    def delete_meeting(self, meeting_id: str) -> None:
        shutil.rmtree(self.meeting_dir(meeting_id), ignore_errors=True)

    def clean_stale_uploads(self) -> None:
        """Uploads cut off by a server stop are never resumed; drop them at start."""
        shutil.rmtree(self.root / "uploads", ignore_errors=True)


def safe_suffix(filename: str, default: str = ".bin") -> str:
    suffix = Path(filename).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix or "") else default


class StreamingForm:
    """Feed request body chunks in; file parts land on disk under `folder`, small fields in memory."""

    FIELD_LIMIT = 1024 * 1024  # non-file fields (and the meeting card) are small
    SLACK = 2 * FIELD_LIMIT  # request bytes beyond the file limit: card, fields, multipart headers

    def __init__(self, content_type: str, folder: Path, limit: int):
        ctype, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if ctype != b"multipart/form-data" or not boundary:
            raise InputError("uppladdningen måste vara multipart/form-data – upload must be multipart/form-data")
        self.folder, self.limit, self.total, self.file_bytes = folder, limit, 0, 0
        self.files: dict[str, UploadedFile] = {}
        self.fields: dict[str, str] = {}
        self._headers: dict[bytes, bytes] = {}
        self._field = self._value = b""
        self._name: str | None = None
        self._fh: IO[bytes] | None = None
        self._buf = bytearray()
        self._filename: str | None = None
        self._size = 0
        self.parser = MultipartParser(boundary, {
            "on_part_begin": self._begin, "on_header_field": self._hfield, "on_header_value": self._hvalue,
            "on_header_end": self._hend, "on_headers_finished": self._headers_done,
            "on_part_data": self._data, "on_part_end": self._end,
        })

    def _too_large(self) -> UploadTooLarge:
        return UploadTooLarge(f"filen är för stor (gräns {self.limit // (1024 * 1024)} MB) – upload too large")

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if self.total > self.limit + self.SLACK:  # the file parts are checked exactly in _data
            raise self._too_large()
        self.parser.write(chunk)

    def close(self) -> None:
        self.parser.finalize()
        if self._fh:
            self._fh.close()

    # parser callbacks
    def _begin(self):
        self._headers, self._field, self._value = {}, b"", b""

    def _hfield(self, data, start, end):
        self._field += data[start:end]

    def _hvalue(self, data, start, end):
        self._value += data[start:end]

    def _hend(self):
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _headers_done(self):
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        self._size = 0
        self._buf = bytearray()
        if filename is not None:
            self._filename = filename.decode("utf-8", "replace")
            if self._name in self.files:
                raise InputError(f"fältet {self._name!r} skickades två gånger – duplicate field")
            path = self.folder / f"part-{len(self.files)}{safe_suffix(self._filename)}"
            self._fh = open(path, "wb")
            self.files[self._name] = UploadedFile(field=self._name, filename=self._filename, path=path, size=0)
        else:
            self._filename, self._fh = None, None

    def _data(self, data, start, end):
        self._size += end - start
        if self._fh is not None:
            self.file_bytes += end - start
            if self.file_bytes > self.limit:
                raise self._too_large()
            self._fh.write(data[start:end])
        else:
            if self._size > self.FIELD_LIMIT:
                raise UploadTooLarge(f"fältet {self._name!r} är för stort – form field too large")
            self._buf += data[start:end]

    def _end(self):
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            self.files[self._name].size = self._size
        elif self._name:
            self.fields[self._name] = self._buf.decode("utf-8", "replace")


def check_audio(path: Path) -> float:
    """Decode the header and the first packets: the content decides, not the file name. Returns seconds."""
    return probe(path).duration


def audio_media_type(path: Path) -> str:
    return {".flac": "audio/flac", ".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
            ".ogg": "audio/ogg", ".opus": "audio/ogg", ".webm": "audio/webm"}.get(path.suffix, "application/octet-stream")
