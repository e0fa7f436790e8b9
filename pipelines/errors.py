"""Errors that reach the user: a clear sentence in Swedish (with English after a dash), never a traceback."""


class ProtokollError(Exception):
    """Base for every error the CLI and the service show as a message."""


class InputError(ProtokollError):
    """The user's input (recording, meeting card, agenda, protocol file) cannot be used."""


class AudioError(InputError):
    """The recording cannot be decoded, is empty, or holds no speech."""


class ModelError(ProtokollError):
    """A model is missing or returned something unusable."""
