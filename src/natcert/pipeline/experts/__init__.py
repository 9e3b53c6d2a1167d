"""Experts: whole-batch transformations (enrichment, ownership, taxonomy, deduplication)."""
