"""Readers that turn real legislation documents into regulation exchange-format dicts."""

from .detect import FORMATS, detect_format, read_regulations
from .errors import ReaderError

__all__ = ["FORMATS", "ReaderError", "detect_format", "read_regulations"]
