"""Evolutionary dynamics: replicator equations, rest points, regimes, basins of attraction."""
