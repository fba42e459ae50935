"""Symbolic (sympy) analysis of pairwise games: ESS conditions, three-valued predicates, design inverses."""
