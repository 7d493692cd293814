"""The PostgreSQL search backend: full-text search in the register's own database server."""
