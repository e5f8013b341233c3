"""Reproducible performance benchmarks; `uv run python benchmarks/run.py` runs them all."""
