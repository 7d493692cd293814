"""Composition root: settings and the `drempelbank` command."""
