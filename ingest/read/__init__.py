"""Reading: files and records in (text, HTML, CSV/TSV, JSON lines, WARC), `Document`s out."""
