"""Wiring: settings → engine (migrated) → services; shared by the CLI and `serve`."""

from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from drempelbank.config import Settings
from kb.db import make_engine, migrate
from kb.errors import RegisterError


class Runtime:
    def __init__(self, settings: Settings):
        self.settings = settings

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
    def search(self):
        """The search service over the index in the home folder (Whoosh)."""
        from search.service import SearchService, load_thesaurus, open_backend

        settings = self.settings
        backend = open_backend(settings.index_dir, thesaurus=load_thesaurus(self.corpus), kind=settings.search_backend,
                               url=settings.search_url or (None if settings.is_sqlite else settings.db_url))
        return SearchService(backend, self.engine)

    @cached_property
    def after_commit(self):
        """The one step list every entry point runs after a committed write."""
        from drempelbank.after_commit import AfterCommit, build_steps

        return AfterCommit(self.engine, build_steps(self.engine, self.search), self.search.exclusive)

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
