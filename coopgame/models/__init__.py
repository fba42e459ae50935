"""Model files: the schema (plain data), model kinds, builders, derivation rules, seed records and the catalogue."""

from coopgame._lazy import lazy_namespace

# public name -> module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "load_model": "coopgame.models.catalog",
    "list_models": "coopgame.models.catalog",
    "validate_model_file": "coopgame.models.catalog",
    "BuiltModel": "coopgame.models.builders",
    "ModelCatalog": "coopgame.models.catalog",
    "ModelSpec": "coopgame.models.schema",
    "Provenance": "coopgame.models.schema",
    "bm1_preset": "coopgame.models.presets",
    "xinan_preset": "coopgame.models.presets",
    "EvolutionaryPreset": "coopgame.models.presets",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_namespace(__name__, globals(), _PUBLIC)
