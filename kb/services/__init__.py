"""Every write to the register goes through these functions (docs/architecture.md, the write path)."""
