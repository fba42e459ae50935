"""Stability of allocations: core, least core, nucleolus (with Kohlberg's certificate)."""
