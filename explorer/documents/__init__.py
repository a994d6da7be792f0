"""Documents: corpora and their files, search, background jobs."""
