"""Wiring: settings → engine (migrated) → services; shared by the CLI and `serve`."""

from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from drempelbank.config import Settings
from kb.db import make_engine, migrate
from kb.errors import RegisterError

if TYPE_CHECKING:
    from search.backend import SearchBackend
    from search.semantic import SemanticRanker
    from search.service import SearchService


class Runtime:
    def __init__(self, settings: Settings):
        self.settings = settings
        # A stale index (written before a field was added) is rebuilt when the search is first opened;
        # commands that rebuild it anyway (reindex, restore) turn this off so it is not built twice.
        self.repair_stale_index = True

    @cached_property
    def engine(self) -> Engine:
        """The database engine with the schema at the newest migration."""
        if self.settings.is_sqlite:
            self.settings.home.mkdir(parents=True, exist_ok=True)
        engine = make_engine(self.settings.db_url)
        try:
            migrate(engine)
        except OperationalError as exc:
            raise RegisterError(f"database niet bereikbaar ({self.safe_url}): {exc.orig}") from None
        return engine

    @cached_property
    def search(self) -> "SearchService":
        """The search service over the index in the home folder (Whoosh)."""
        from search.service import SearchService, load_thesaurus

        settings = self.settings
        backend = open_backend(settings.index_dir, thesaurus=load_thesaurus(self.corpus), kind=settings.search_backend,
                               url=settings.search_url or (None if settings.is_sqlite else settings.db_url))
        if settings.semantic_search:
            backend.reranker = semantic_ranker(self.corpus, settings.semantic_texts or shipped_chamber_texts(self.corpus),
                                               settings.semantic_cache or settings.home / "semantic",
                                               register=self.barrier_texts, encoder=settings.semantic_encoder)
        service = SearchService(backend, self.engine)
        if backend.stale and self.repair_stale_index:
            service.rebuild()
        return service

    def learn_semantic_model(self) -> str | None:
        """Learn the semantic model now (or read it from its cache), so that no search waits for it; a line
        for the user, or None when the semantic ranker is off."""
        reranker = self.search.backend.reranker
        if reranker is None:
            return None
        model = reranker.model
        return (f"betekenismodel: {model.svd.n_components} dimensies, {len(model.vectorizer.vocabulary_)} woorden "
                f"(geleerd uit de meegeleverde wetteksten en Kamervragen en de drempels van het register)")

    def barrier_texts(self) -> list[str]:
        """The register's barriers as the semantic model learns from them (kb.services.barriers.barrier_texts)."""
        from sqlmodel import Session

        from kb.services.barriers import barrier_texts

        with Session(self.engine) as session:
            return barrier_texts(session)

    def warm_up(self) -> None:
        """Load beside serving what the first searches would otherwise wait for: the semantic model, the
        Dutch pipeline, the stem classes of the query analysis, and the analysed words and semantic
        vectors of the indexed records (at 20,000 barriers a few seconds of one core)."""
        from search.analysis import analyze, stem_classes

        try:
            self.learn_semantic_model()
            stem_classes()
            analyze("opwarming van de Nederlandse analyse", mode="query")
        finally:
            self.search.warm_up()  # says `opgewarmd` on /healthz, also when a step above failed

    @cached_property
    def after_commit(self):
        """The one step list every entry point runs after a committed write."""
        from drempelbank.after_commit import AfterCommit, build_steps

        from search.service import load_thesaurus

        steps = build_steps(self.engine, self.search, load_thesaurus(self.corpus))
        return AfterCommit(self.engine, steps, self.search.exclusive)

    @property
    def safe_url(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.settings.db_url).render_as_string(hide_password=True)

    @property
    def corpus(self) -> Path:
        return self.settings.corpus_dir

    def close(self) -> None:
        if "search" in self.__dict__:
            self.search.close()
        if "engine" in self.__dict__:
            self.engine.dispose()


def semantic_ranker(corpus: Path, chamber: Path | None, cache_dir: Path | None,
                    register: "Callable[[], Sequence[str]] | None" = None, encoder: bool = True) -> "SemanticRanker":
    """The second ranker; its model is learned (or read from `cache_dir`) at the first text search (`serve`:
    at start), from the shipped texts and, with `register`, the register's own barriers as they stand then:
    the words its jurists use together. Records added later are placed in that model as a query is, until a
    serving process relearns it beside its searches (search.semantic.SemanticRanker.maybe_relearn).
    With `encoder`, the shipped sentence encoder joins LSA where it runs here (search/encoder.py), its record
    vectors kept in `cache_dir`."""
    from search.encoder import PassageStore, shared_encoder, store_path
    from search.semantic import SemanticRanker, load_or_train, training_texts

    return SemanticRanker(lambda: load_or_train([*training_texts(corpus, chamber), *(register() if register else ())],
                                                cache_dir),
                          passages=PassageStore(shared_encoder(), store_path(cache_dir)) if encoder else None)


def open_backend(index_dir: Path, *, thesaurus: dict | None = None, kind: str = "whoosh",
                 url: str | None = None) -> "SearchBackend":
    """The configured backend: Whoosh in `index_dir`, or PostgreSQL full-text search at `url`.
    Chosen here, in the composition root, so the search core never imports a backend."""
    if kind == "postgres":
        from search.postgres.backend import PostgresBackend

        if not url or not url.startswith("postgresql"):
            raise RegisterError("de zoekmachine 'postgres' vraagt een PostgreSQL-databank "
                                "(DATABASE_URL of DREMPELBANK_SEARCH_URL)")
        return PostgresBackend(url, thesaurus=thesaurus)
    from search.whoosh.backend import WhooshBackend

    return WhooshBackend(index_dir, thesaurus=thesaurus)


def shipped_chamber_texts(corpus: Path) -> Path:
    """The training half of the Chamber texts as shipped in corpus/ (tools/build_chamber_texts.py)."""
    from search.semantic import CHAMBER_TEXTS

    return corpus / CHAMBER_TEXTS
