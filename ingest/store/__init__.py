"""Storage: the schema and its migrations, articles written one transaction each, shared passages,
the partitions of an archive directory, and the lock that keeps one writer per database."""
