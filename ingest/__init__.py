"""newsarchive: ingest news articles into SQLite and serve them with Datasette."""

__version__ = "0.1.0"
