"""One typed settings object, read once from the environment and `.env`."""

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.limits import MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_prefix="DREMPELBANK_", extra="ignore")

    home: Path = Field(default=Path(".drempelbank"),
                       description="Folder holding the SQLite database and the search index.")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "DREMPELBANK_DATABASE_URL"),
        description="SQLAlchemy URL of a PostgreSQL database (postgresql+psycopg://…); "
                    "unset means SQLite in the home folder.")
    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus",
                             description="Folder with the shipped reference data and demo data.")
    host: str = Field(default="127.0.0.1", description="Address `serve` listens on.")
    port: int = Field(default=8000, description="Port `serve` listens on.")
    public_read: bool = Field(default=False,
                              description="Let anonymous visitors read barriers marked public, and nothing else.")
    max_upload_bytes: int = Field(default=MAX_UPLOAD_BYTES,
                                  description="Largest file accepted for import, in bytes.")
    secret_key: str | None = Field(
        default=None, description="Key that signs session cookies; set the same value on every application "
                                  "server. Unset means a random key kept in the home folder (session.key).")
    search_backend: Literal["whoosh", "postgres"] = Field(
        default="whoosh", description="Search backend: the Whoosh index in the home folder, or PostgreSQL "
                                      "full-text search (for several application servers).")
    search_url: str | None = Field(
        default=None, description="PostgreSQL URL for the postgres search backend; unset means DATABASE_URL.")
    semantic_search: bool = Field(
        default=True, description="Re-order the best results of a text search by meaning (LSA learned from the "
                                  "shipped legislation, the Chamber texts and the register's barriers), besides "
                                  "the shared words, and add the records nearest the query by meaning, also those "
                                  "sharing no word with it.")
    semantic_encoder: bool = Field(
        default=True, description="Let the sentence encoder shipped with the product (multilingual-e5-small, "
                                  "search/encoder.py) weigh meaning beside LSA; its record vectors are kept in "
                                  "the semantic cache folder and computed at start by `serve`.")
    semantic_texts: Path | None = Field(
        default=None,
        description="Chamber questions and answers (CC0, JSON lines, optionally gzip) whose training half the "
                    "semantic ranking also learns from; unset means the half shipped in corpus/chamber/.")
    semantic_cache: Path | None = Field(
        default=None,
        description="Folder where the learned semantic model is kept (learned from the shipped texts and the "
                    "register's barriers, cached per set of texts); unset means DREMPELBANK_HOME/semantic.")
    max_unpacked_bytes: int = Field(default=MAX_UNPACKED_BYTES,
                                    description="Largest uncompressed size of a DOCX or XLSX file, in bytes.")

    @cached_property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        return f"sqlite:///{(self.home / 'drempelbank.db').resolve()}"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")


def load_settings(home: Path | None = None) -> Settings:
    settings = Settings()
    if home is not None:
        settings = Settings(home=home)
    return settings
