"""Serving: the Datasette app and server, and the query layer every page calls over an
archive's partitions (a single file is one): `archive` (the partitions served), `search` and
`search_desk`, `entity`, `places`, `network`, `timeline`, `desk`, `article` (with
`article_body`'s layout), `charts`, and the SQL functions the queries use (`sql_functions`).
plugins/ only route requests to these."""
