"""Every write to the register goes through these functions (STYLE rule 2)."""
