"""Shared check that a backend's `exclusive()` excludes another process (used by both backends)."""

import multiprocessing
import time
from pathlib import Path


def _hold(opener, args, journal: str) -> None:
    backend = opener(*args)
    with backend.exclusive():
        _note(journal, "child-start")
        time.sleep(0.5)  # a window in which the parent would get in if the lock did not hold
        _note(journal, "child-end")
    backend.close()


def _note(journal: str, event: str) -> None:
    with open(journal, "a", encoding="utf-8") as out:
        out.write(event + "\n")


def check_exclusive_across_processes(backend, opener, args, tmp_path: Path) -> None:
    journal = tmp_path / "journal.txt"
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    child = multiprocessing.get_context(method).Process(target=_hold, args=(opener, args, str(journal)))
    child.start()
    deadline = time.monotonic() + 60
    while not (journal.exists() and "child-start" in journal.read_text()) and time.monotonic() < deadline:
        time.sleep(0.01)
    with backend.exclusive():
        _note(str(journal), "parent")
    child.join(timeout=60)
    assert child.exitcode == 0
    assert journal.read_text().split() == ["child-start", "child-end", "parent"]
