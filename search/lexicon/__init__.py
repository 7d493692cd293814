"""Derived Dutch lexicon data (see README.md for provenance)."""
