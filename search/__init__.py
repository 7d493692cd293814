"""Search: neutral queries, one backend interface, Whoosh as the embedded default."""

from search.backend import Hit, IndexBusyError, SearchBackend, SearchError, SearchResults
from search.documents import SearchDocument
from search.query import SearchQuery, parse_query

__all__ = [
    "Hit",
    "IndexBusyError",
    "SearchBackend",
    "SearchDocument",
    "SearchError",
    "SearchQuery",
    "SearchResults",
    "parse_query",
]
