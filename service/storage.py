"""Where a meeting's files live, and how an upload gets there without being held in memory.

Layout of the data dir (everything the service keeps):

    DIR/protokoll.db            SQLite: users, sessions, meetings, protocol versions, audit trail
                                (not there when the database is PostgreSQL: --database-url)
    DIR/meetings/<id>/recording.<ext>   the uploaded recording
    DIR/meetings/<id>/meeting.yaml      the uploaded meeting card
    DIR/meetings/<id>/job/              pipeline stage outputs (transcript.json, segments.json, …)
    DIR/meetings/<id>/exports/          one temporary folder per Word export in progress
    DIR/uploads/<tmp>/                  uploads in flight; moved into meetings/ only when complete

An upload is parsed as a stream: each part is written chunk by chunk to the staging folder and the
byte count is checked as it arrives, so a 2 GB recording never sits in RAM and an oversized one is
stopped early. Any failure removes the staging folder: nothing half-written is left behind.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import shutil
import uuid
from pathlib import Path
from typing import IO

import av
from pydantic import BaseModel
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from pipelines.audio import CONTAINERS, AudioInfo, audio_stream, open_audio, probe, scan_duration
from pipelines.errors import AudioError, InputError
from pipelines.models import Transcript

from .errors import NotReady, TooLarge

log = logging.getLogger("protokoll.storage")
DEFAULT_MAX_UPLOAD = 2 * 1024**3  # 2 GB
DEFAULT_MAX_AUDIO_HOURS = 8.0
SAMPLE_SECONDS = 5.0  # decoded at the start and the end of every upload
EXACT_LENGTH = {"flac", "wav"}  # containers whose header states the length exactly


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

    def transcript(self, meeting_id: str) -> Transcript:
        """The recording's sentences with their times, as the pipeline saved them (pipelines.run.TRANSCRIPT)."""
        path = self.job_dir(meeting_id) / "transcript.json"
        if not path.exists():
            raise NotReady("Inspelningens transkript saknas – the transcript is missing")
        return Transcript.model_validate_json(path.read_text(encoding="utf-8"))

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

    def delete_meeting(self, meeting_id: str) -> bool:
        """Remove the meeting's files (after its rows are gone). False, and each failure logged, if any remain."""
        return remove_tree(self.meeting_dir(meeting_id))

    def clean_stale_uploads(self) -> None:
        """Uploads cut off by a server stop are never resumed; drop them at start."""
        remove_tree(self.root / "uploads")


def remove_tree(path: Path) -> bool:
    """rmtree that logs what it could not remove instead of hiding it (GDPR: a deletion must be known)."""
    failed = []

    def report(function, name, exc_info):
        failed.append(name)
        log.error("kunde inte ta bort %s – could not remove it: %s", name, exc_info[1])

    if path.exists():
        shutil.rmtree(path, onerror=report)
    return not failed


class StreamingForm:
    """Feed request body chunks in; the recording lands on disk under `folder`, the card and small fields
    in memory or on disk, each part bounded: the form takes only the fields FIELDS names, once each."""

    CARD_LIMIT = 256 * 1024  # the meeting card, as a file part or a field
    FILENAME_LIMIT = 255
    FIELDS = ("recording", "meeting")
    SLACK = CARD_LIMIT + 64 * 1024  # request bytes beyond the recording's limit (the parser bounds headers)

    def __init__(self, content_type: str, folder: Path, limit: int):
        ctype, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if ctype != b"multipart/form-data" or not boundary:
            raise InputError("uppladdningen måste vara multipart/form-data – upload must be multipart/form-data")
        self.folder, self.limit, self.total = folder, limit, 0
        self.files: dict[str, UploadedFile] = {}
        self.fields: dict[str, str] = {}
        self._headers: dict[bytes, bytes] = {}
        self._field = self._value = b""
        self._name: str | None = None
        self._fh: IO[bytes] | None = None
        self._buf = bytearray()
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
        if self.total > self.limit + self.SLACK:  # each part is checked exactly in _data
            raise self._too_large()
        try:
            self.parser.write(chunk)
        except MultipartParseError as e:
            raise InputError(f"uppladdningen är inte giltig multipart-data ({e}) – malformed multipart body") from None

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
        if self._name not in self.FIELDS:
            raise InputError(f"okänt fält {self._name[:40]!r} (bara recording och meeting) – unknown form field")
        if self._name in self.files or self._name in self.fields:
            raise InputError(f"fältet {self._name!r} skickades två gånger – duplicate field")
        filename = params.get(b"filename")
        self._size = 0
        self._buf = bytearray()
        self._fh = None
        if filename is not None:
            filename = filename.decode("utf-8", "replace")
            if len(filename) > self.FILENAME_LIMIT:
                raise InputError(f"filnamnet är för långt (högst {self.FILENAME_LIMIT} tecken) – file name too long")
            # Our own name, without the user's suffix: only the content decides how FFmpeg reads it.
            path = self.folder / f"part-{len(self.files)}.upload"
            self._fh = open(path, "wb")
            self.files[self._name] = UploadedFile(field=self._name, filename=filename, path=path, size=0)

    def _data(self, data, start, end):
        self._size += end - start
        limit = self.limit if self._name == "recording" else self.CARD_LIMIT
        if self._size > limit:
            if self._name == "recording":
                raise self._too_large()
            raise UploadTooLarge(f"mötets kort är för stort (högst {self.CARD_LIMIT // 1024} KB) – meeting card too large")
        if self._fh is not None:
            self._fh.write(data[start:end])
        else:
            self._buf += data[start:end]

    def _end(self):
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            self.files[self._name].size = self._size
        elif self._name:
            self.fields[self._name] = self._buf.decode("utf-8", "replace")


def check_audio(path: Path, max_seconds: float) -> AudioInfo:
    """The content decides, not the file name: an allowed container (pipelines.audio.CONTAINERS) with an
    audio stream whose first seconds decode, whose end is really there, not longer than `max_seconds`.

    Where the header states the length exactly (FLAC, WAV) and the audio ends early, the file is
    truncated and refused. Elsewhere the header's length may be an estimate (an MP3 without a Xing
    header, estimated from its first frames' bitrate), so the length is then measured from the packets."""
    info = probe(path)
    with open_audio(path) as container:
        stream = audio_stream(container, path)
        if _first_frame_time(container, stream, None) is None:
            raise AudioError(f"ljudet i {path.name} går inte att avkoda – the audio cannot be decoded")
        target = info.duration - SAMPLE_SECONDS
        reached = _first_frame_time(container, stream, target) if target > SAMPLE_SECONDS else target
        ends_early = reached is None or reached < target - max(SAMPLE_SECONDS, 0.02 * info.duration)
    if ends_early and info.container in EXACT_LENGTH:
        raise AudioError(f"{path.name} verkar avkortad: huvudet anger {info.duration:.0f} s men ljudet tar slut "
                         f"tidigare. Ladda upp hela inspelningen, eller spara om den (t.ex. ffmpeg -i in out.flac) – "
                         f"the file looks truncated")
    if ends_early:
        with open_audio(path) as container:
            measured = scan_duration(container, audio_stream(container, path))
        info = info.model_copy(update={"duration": round(measured, 3)})
    if info.duration > max_seconds:
        raise AudioError(f"inspelningen är {info.duration / 3600:.1f} timmar lång; högst {max_seconds / 3600:g} timmar "
                         f"tas emot – the recording is too long")
    return info


def _first_frame_time(container, stream, at: float | None) -> float | None:
    """Time of the first frame that decodes, from the start or after seeking to `at` seconds."""
    try:
        if at is not None:
            container.seek(int(at / stream.time_base), stream=stream)
        for packet in container.demux(stream):
            for frame in packet.decode():
                return float(frame.time) if frame.time is not None else (at or 0.0)
    except av.FFmpegError:
        return None
    return None


def audio_media_type(path: Path) -> str:
    """The media type of a stored recording: its suffix is the detected container's (CONTAINERS); recordings
    stored before that kept the uploader's suffix."""
    known = next((c.media_type for c in CONTAINERS.values() if c.suffix == path.suffix), None)
    return known or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
