"""A pipeline that does no work, for measuring the service's upload path alone (bench upload)."""

from pipelines.errors import ProtokollError


def run_pipeline(recording, meeting, out_dir, **_):
    raise ProtokollError("bench: ingen bearbetning – upload benchmark only")


def redraft_item(protocol, transcript_text, number, options=None):
    raise ProtokollError("bench: ingen bearbetning")
