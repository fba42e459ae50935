"""Game representations: TU games (dense and structured), bimatrix and n-city games."""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "TUGame": "coopgame.games.tu",
    "StructuredGame": "coopgame.games.structured",
    "CostTerm": "coopgame.games.structured",
    "AirportCost": "coopgame.games.structured",
    "ScaleEconomyCost": "coopgame.games.structured",
    "ValueFunctionGame": "coopgame.games.function_game",
    "PairwiseGame": "coopgame.games.pairwise",
    "GameClassification": "coopgame.games.pairwise",
    "NCityGame": "coopgame.games.ncity",
    "BinaryActionGame": "coopgame.games.binary",
    "TripartiteGame": "coopgame.games.tripartite",
    "Regime": "coopgame.games.regimes",
    "as_dense_game": "coopgame.games.structured",
    "random_game": "coopgame.games.generators",
    "random_convex_game": "coopgame.games.generators",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)
