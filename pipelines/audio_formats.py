"""The recordings Protokoll takes, by file suffix, with the MIME type a browser's player needs. PyAV
decodes each of them (audio.py); this is the one list the service, the suites and the CLI share."""

AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".mp4": "audio/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".webm": "audio/webm",
}
AUDIO_SUFFIXES = tuple(AUDIO_TYPES)
