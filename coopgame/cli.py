"""The ``coopgame`` command line.

``coopgame`` with no arguments runs the showcase on the built-in default
example. Results go to standard output, diagnostics to standard error.

Exit codes: 0 success, 1 invalid input or model, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from coopgame.errors import CoopgameError

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

# Three towns sharing one wastewater plant (literature/03 §3.2, source S-C01):
# stand-alone and joint costs in the source's money unit, bitmask order {}, {1}, {2}, {1,2}, {3}, {1,3}, {2,3}, {1,2,3}.
_WASTEWATER_COSTS = (0.0, 230.0, 160.0, 350.0, 230.0, 460.0, 365.0, 556.0)
_TOWNS = ("town 1", "town 2", "town 3")


def showcase() -> str:
    """The built-in worked example: Shapley cost shares of a shared wastewater plant."""
    from coopgame.cooperative.shapley import shapley_value
    from coopgame.games.tu import TUGame
    from coopgame.results import Summary, format_number

    game = TUGame.from_costs(_WASTEWATER_COSTS, players=_TOWNS)
    result = shapley_value(game)
    standalone = game.standalone_costs
    rows = tuple(
        (town, format_number(alone), format_number(share), format_number(saving))
        for town, alone, share, saving in zip(_TOWNS, standalone, result.cost_shares, result.allocation)
    )
    table = Summary(
        title="Three towns share one wastewater plant: who pays what (Shapley value)",
        facts=(("source", "textbook example, literature/03 §3.2 [S-C01]; costs in the source's unit"),
               ("joint cost C(N)", format_number(game.total_cost)),
               ("cost if each builds alone", format_number(standalone.sum())),
               ("saving to share v(N)", format_number(game.grand_value))),
        columns=("town", "stand-alone cost", "Shapley cost share", "saving"),
        rows=rows,
        notes=("Each town pays less than building alone: the Shapley split is individually rational here.",),
    )
    return table.as_text()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopgame",
        description="Cooperation games between cities: equilibria, evolutionary dynamics, fair splits of a fund.",
        epilog="With no command, runs the showcase on the built-in default example.",
    )
    from coopgame import __version__

    parser.add_argument("--version", action="version", version=f"coopgame {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``coopgame`` console script; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits 2 on usage errors, 0 on --help
        return int(stop.code or 0)
    try:
        if args.command is None:
            print(showcase())
            return EXIT_OK
    except CoopgameError as err:
        print(f"coopgame: error: {err}", file=sys.stderr)
        return EXIT_INVALID
    parser.print_usage(sys.stderr)  # pragma: no cover - no other commands yet
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
