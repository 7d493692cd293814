"""Size limits for files people hand the register, in one place (settings default to these)."""

MIB = 1024 * 1024
# Largest file accepted for import (a 41,000-row barrier file is about 50 MB; bench/bench_bigfile.py).
MAX_UPLOAD_BYTES = 60 * MIB
# Largest uncompressed content of a zip-based file (DOCX, XLSX): refuses zip bombs before unpacking.
MAX_UNPACKED_BYTES = 200 * MIB
