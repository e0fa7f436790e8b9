"""Evaluate drafted protocols against archived ones: score, report, suite. The archive reader
(`parse_protocol`, `parse_text`) is pipelines.documents; it is re-exported here for scoring scripts."""

from pipelines.documents import parse_protocol, parse_text

from .score import EvalResult, evaluate

__all__ = ["EvalResult", "evaluate", "parse_protocol", "parse_text"]
