"""Benchmarks (`make bench`) and the browser harness they share with tests/e2e."""
