"""The Whoosh search backend: an embedded index in one folder (the default)."""
