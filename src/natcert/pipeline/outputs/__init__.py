"""Where batches go: files (JSON Lines, CSV) and in-memory stores for tests and dry runs."""
