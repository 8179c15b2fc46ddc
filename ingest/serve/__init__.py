"""Serving: the Datasette app and server, and what the pages query (search, partitions, charts,
the article page's layout)."""
