"""Benchmarks (bench/run) and, in endpoints.py, the two anchor views they measure."""
