"""Benchmarks and the load test: `make bench`, `make loadtest` (run as `python -m bench.<name>` from the repository)."""
