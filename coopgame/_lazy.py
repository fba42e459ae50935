"""Lazy public namespaces (PEP 562) for the package root and its subpackages.

A namespace maps each public name to the module that defines it; the module is
imported on first access, so importing a package stays cheap and optional back
ends load only when a function that needs them is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_namespace"]


def lazy_namespace(package: str, namespace: dict[str, Any],
                   public: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` serving the names of ``public``.

    ``public`` maps a name to its defining module; a name equal to the module's
    last component is the module itself (``coopgame.plots``). Resolved names are
    cached in ``namespace`` (the package's ``globals()``).
    """

    def __getattr__(name: str) -> Any:
        try:
            module_name = public[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        module = importlib.import_module(module_name)
        value = module if module_name.endswith("." + name) else getattr(module, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(public))

    return __getattr__, __dir__
