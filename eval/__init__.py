"""Evaluate drafted protocols against archived ones: parse, score, report, suite."""

from .parse import parse_protocol, parse_text
from .score import EvalResult, evaluate

__all__ = ["EvalResult", "evaluate", "parse_protocol", "parse_text"]
