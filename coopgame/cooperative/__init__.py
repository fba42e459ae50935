"""Point-valued cooperative solutions: Shapley and Banzhaf values, Harsanyi dividends, game properties."""
