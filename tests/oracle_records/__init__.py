"""Recorded outputs of the slow-to-install oracle (pygambit), checked on every test run.

``cases.py`` draws the fixed cases that the live oracle tests and the records share;
``regenerate.py`` (``python -m tests.oracle_records.regenerate``) runs the live oracle on them and
writes ``gambit_*.json`` with the oracle's version and the date; ``records.py`` reads them back.
"""
