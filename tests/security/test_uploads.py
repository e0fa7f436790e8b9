"""Hostile uploads: playlists and concat lists that point FFmpeg at other files, truncated and
over-long recordings, oversized cards, fields and headers. Each is refused with a 4xx and leaves
no meeting, no staging files and no job behind."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest

from tests.helpers.databases import query
from tests.helpers.server import CARD, leftovers, meeting_count, upload


def _refused(server, client, path, status, *words, filename=None, card=CARD):
    before = meeting_count(server.data_dir)
    r = upload(client, path, card=card, filename=filename)
    assert r.status_code == status, r.text
    for word in words:
        assert word in r.json()["detail"], r.json()
    assert meeting_count(server.data_dir) == before
    assert leftovers(server.data_dir) == []
    return r


@pytest.mark.parametrize("name", ["playlist.m3u8", "inspelning.flac"])
def test_playlist_naming_another_meetings_recording_is_refused(two_orgs, anna, bo, annas_meeting, tmp_path, name):
    """Bo's 'recording' is an HLS playlist of Anna's meeting: it must not be followed, whatever its name."""
    target = next((two_orgs.data_dir / "meetings" / annas_meeting).glob("recording.*"))
    playlist = tmp_path / name
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXTINF:20.0,\n{target}\n#EXT-X-ENDLIST\n")
    _refused(two_orgs, bo, playlist, 415, "ljudfil")
    assert bo.get("/api/meetings").json() == []  # nothing queued, nothing transcribed for Bo


def test_concat_list_is_refused(two_orgs, bo, annas_meeting, tmp_path):
    target = next((two_orgs.data_dir / "meetings" / annas_meeting).glob("recording.*"))
    concat = tmp_path / "lista.txt"
    concat.write_text(f"ffconcat version 1.0\nfile '{target}'\n")
    _refused(two_orgs, bo, concat, 415)


def test_truncated_flac_is_refused_clearly(two_orgs, anna, tone, tmp_path):
    cut = tmp_path / "avkortad.flac"
    cut.write_bytes(tone.read_bytes()[: tone.stat().st_size // 4])  # the header still says 20 s
    _refused(two_orgs, anna, cut, 415, "avkortad", "avkortad.flac")


def test_mp3_whose_header_overstates_its_length_is_measured_not_refused(two_orgs, anna, tmp_path):
    """An MP3 without a Xing header that starts in silence: FFmpeg estimates ~147 s for 40 s of audio."""
    mp3 = tmp_path / "utan-xing.mp3"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono:d=10",
                    "-f", "lavfi", "-i", "anoisesrc=d=30:c=pink:r=16000:a=0.3", "-filter_complex",
                    "[0][1]concat=n=2:v=0:a=1", "-write_xing", "0", "-c:a", "libmp3lame", "-q:a", "2", str(mp3)],
                   check=True)
    r = upload(anna, mp3)
    assert r.status_code == 201, r.text
    [(duration,)] = query(two_orgs.data_dir, "select duration_seconds from meetings where id=:m", m=r.json()["id"])
    assert 39 < duration < 42


def test_recording_over_the_duration_cap_is_refused(two_orgs, anna, tmp_path):
    long = tmp_path / "lång.wav"  # 61 minutes of silence, 8 kHz 8-bit: ~29 MB
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono",
                    "-t", "3660", "-c:a", "pcm_u8", str(long)], check=True)
    _refused(two_orgs, anna, long, 415, "timmar")


def test_stored_suffix_and_media_type_come_from_the_content(two_orgs, anna, tmp_path):
    wav = tmp_path / "egentligen-wav.flac"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=300:d=3",
                    "-ar", "16000", str(tmp_path / "t.wav")], check=True)
    wav.write_bytes((tmp_path / "t.wav").read_bytes())
    r = upload(anna, wav)
    assert r.status_code == 201, r.text
    meeting = r.json()["id"]
    assert [p.name for p in (two_orgs.data_dir / "meetings" / meeting).glob("recording.*")] == ["recording.wav"]
    assert anna.get(f"/api/meetings/{meeting}/recording").headers["content-type"] == "audio/wav"


def test_bad_form_parts_are_4xx(two_orgs, anna, tone):
    _refused(two_orgs, anna, tone, 422, "multipart", filename="a" * 5000 + ".flac")  # beyond the parser's header limit
    _refused(two_orgs, anna, tone, 422, "för långt", filename="a" * 300 + ".flac")
    card = "title: X\ndate: 2025-01-01\nagenda:\n" + "".join(f"  - punkt {i}\n" for i in range(201))
    _refused(two_orgs, anna, tone, 422, "agenda", card=card)
    _refused(two_orgs, anna, tone, 422, "attendees", card=CARD.replace("Elin Ask", "E" * 201))
    _refused(two_orgs, anna, tone, 413, "för stort", card=CARD + "#" + "x" * 300_000 + "\n")
    _refused(two_orgs, anna, tone, 422, "nästlat", card="a: " + "[" * 5000 + "]" * 5000)
    # an unknown extra field, and an 18 MB part header
    with open(tone, "rb") as f:
        r = anna.post("/api/meetings", files={"recording": ("m.flac", f, "audio/flac"),
                                              "meeting": ("m.yaml", CARD.encode(), "text/yaml"),
                                              "extra": ("x.bin", b"x" * 10, "application/octet-stream")})
    assert r.status_code == 422 and "okänt fält" in r.json()["detail"]
    huge = b"x" * (18 * 1024 * 1024)
    body = (b"--b\r\nContent-Disposition: form-data; name=\"recording\"; filename=\"m.flac\"\r\nX-Pad: " + huge
            + b"\r\n\r\nabc\r\n--b--\r\n")
    try:
        r = anna.post("/api/meetings", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert r.status_code == 422 and "multipart" in r.json()["detail"]
    except httpx.HTTPError:
        pass  # the server may close the connection before the client finished sending
    time.sleep(0.3)
    assert leftovers(two_orgs.data_dir) == []
