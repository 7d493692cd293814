"""Policy briefs ("beleidsnota's"): one content model built from the register, rendered four ways."""
