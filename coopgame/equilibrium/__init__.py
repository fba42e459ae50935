"""Equilibria of non-cooperative games: bimatrix Nash equilibria, batch 2×2, pure n-city equilibria."""
