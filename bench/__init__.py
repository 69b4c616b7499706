"""Benchmarks: speed and cost of the system, measured against this machine's own limits."""
