"""Game representations: TU games (dense and structured), bimatrix and n-city games."""
