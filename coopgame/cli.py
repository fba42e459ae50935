"""The ``coopgame`` command line: a thin layer over the public API.

Commands
--------
``coopgame``
    The showcase: the built-in default model (three towns sharing a
    wastewater plant), solved and explained.
``coopgame models [--json]``
    The catalogue of built-in models.
``coopgame solve MODEL [--scenario NAME] [--json] [--report FILE.html] [--plots DIR]``
    Solve a built-in model (by slug) or a model file (by path) with every
    concept that applies; print a summary with the provenance of every number.
``coopgame sweep MODEL --grid NAME=START:STOP:NUM [--grid ...] [--json] [--report FILE.html] [--plots DIR]``
    Evaluate the model over a grid of parameter values (vectorized; progress bar on standard error).
``coopgame validate FILE``
    Check a model file; print what it defines, or one error naming the file and the key.
``coopgame concepts [MODEL] [--json]``
    The registry of solution concepts by game type; with a model, which of them apply to
    each of its games and why the others are skipped.

Results go to standard output, diagnostics (progress, "wrote FILE", errors)
to standard error.

Exit codes: 0 success, 1 invalid input or model, 2 usage error, 141 standard
output closed by its reader before everything was written (``coopgame ... | head``):
quietly, with the code a shell gives a program killed by SIGPIPE (128 + 13), as
other Unix tools do, so ``set -o pipefail`` scripts see the usual value.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coopgame.errors import CoopgameError

__all__ = ["main", "EXIT_OK", "EXIT_INVALID", "EXIT_USAGE", "EXIT_BROKEN_PIPE"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141

_EPILOG = """\
commands without arguments: `coopgame` runs the showcase on the built-in default model.
exit codes: 0 success, 1 invalid input or model, 2 usage error.
examples:
  coopgame models
  coopgame solve chengdu_chongqing --report cc.html --plots figures/
  coopgame sweep two_city_coop --grid reward=0:4:41 --grid penalty=0:4:41 --report sweep.html
  coopgame validate my_model.toml
  coopgame concepts airport_runway
"""

# Fallback data for the showcase when no model files are installed (source S-C01, literature/03 §3.2).
_WASTEWATER_COSTS = (0.0, 230.0, 160.0, 350.0, 230.0, 460.0, 365.0, 556.0)
_TOWNS = ("town 1", "town 2", "town 3")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def showcase() -> str:
    """The worked example shown by ``coopgame`` with no arguments: the built-in ``default`` model, solved."""
    from coopgame.report import model_analysis

    try:
        from coopgame.models.catalog import load_model

        target: Any = load_model("default")
    except (ImportError, CoopgameError):  # a checkout without model files: the same example, embedded
        from coopgame.games.tu import TUGame

        target = TUGame.from_costs(_WASTEWATER_COSTS, players=_TOWNS)
    analysis = model_analysis(target)
    heading = f"coopgame showcase: {analysis.title if analysis.provenance is not None else 'three towns share one wastewater plant'}"
    parts = [heading + "\n" + "#" * len(heading)]
    if analysis.description:
        parts.append(analysis.description)
    parts.append(analysis.section("allocations").summary.as_text())
    if analysis.provenance is not None:
        parts.append(analysis.provenance.as_text())
    parts.append("Next: `coopgame models` lists the built-in models; `coopgame solve SLUG` solves one;\n"
                 "`coopgame solve SLUG --report report.html` writes a report with figures.")
    return "\n\n".join(parts)


def _parser() -> argparse.ArgumentParser:
    from coopgame import __version__

    parser = argparse.ArgumentParser(
        prog="coopgame",
        description="Cooperation games between cities: equilibria, evolutionary dynamics, fair splits of a fund.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"coopgame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("models", help="list the built-in models")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = sub.add_parser("solve", help="solve a model with every concept that applies",
                       description="Solve a built-in model (slug) or a model file (path).")
    p.add_argument("model", metavar="MODEL", help="slug of a built-in model (see `coopgame models`) or a .toml path")
    p.add_argument("--scenario", metavar="NAME", help="apply a named scenario of the model file")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--report", metavar="FILE.html", type=Path, help="write a self-contained HTML report")
    p.add_argument("--plots", metavar="DIR", type=Path, help="write the figures as PNG files into DIR")

    p = sub.add_parser("sweep", help="evaluate a model over a grid of parameter values",
                       description="Sweep model parameters over a grid; each --grid adds one axis.")
    p.add_argument("model", metavar="MODEL", help="slug of a built-in model or a .toml path")
    p.add_argument("--grid", metavar="NAME=START:STOP:NUM", action="append", required=True, type=_grid_arg,
                   help="a parameter and its values (numpy.linspace); repeat for more axes")
    p.add_argument("--scenario", metavar="NAME", help="apply a named scenario first")
    p.add_argument("--issue", metavar="ISSUE", help="for models with issue layers: the issue to sweep")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--report", metavar="FILE.html", type=Path, help="write an HTML report with the heat map")
    p.add_argument("--plots", metavar="DIR", type=Path, help="write the heat map as a PNG file into DIR")
    p.add_argument("--no-progress", action="store_true", help="do not show the progress bar on standard error")

    p = sub.add_parser("validate", help="check a model file")
    p.add_argument("file", metavar="FILE", type=Path, help="the .toml model file")

    p = sub.add_parser("concepts", help="list the solution concepts and the game types they apply to",
                       description="Without MODEL: every solution concept, the game types it applies to, its solver "
                                   "and its limits. With MODEL: which concepts apply to each of the model's games.")
    p.add_argument("model", metavar="MODEL", nargs="?", help="slug of a built-in model or a .toml path")
    p.add_argument("--scenario", metavar="NAME", help="apply a named scenario first")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def _grid_arg(text: str) -> tuple[str, Any]:
    """argparse type for --grid: a malformed grid is a usage error (exit 2)."""
    from coopgame.policy.sweep import parse_grid_spec

    try:
        return parse_grid_spec(text)
    except CoopgameError as err:
        raise argparse.ArgumentTypeError(str(err).replace("parse_grid_spec(): ", "")) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``coopgame`` console script; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits 2 on usage errors, 0 on --help / --version
        return int(stop.code or 0)
    try:
        if args.command is None:
            print(showcase())
        elif args.command == "models":
            _models(args)
        elif args.command == "solve":
            _solve(args)
        elif args.command == "sweep":
            _sweep(args)
        elif args.command == "validate":
            _validate(args)
        elif args.command == "concepts":
            _concepts(args)
        sys.stdout.flush()  # inside the try: a closed pipe surfaces here, not at interpreter exit
    except BrokenPipeError:  # the reader went away (`| head`); before OSError, of which it is a subtype
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except CoopgameError as err:
        _err(f"coopgame: error: {err}")
        return EXIT_INVALID
    except ImportError as err:  # an optional extra (matplotlib) is needed for --report / --plots
        _err(f"coopgame: error: {err}")
        return EXIT_INVALID
    except OSError as err:  # cannot write the report or the plots
        _err(f"coopgame: error: {err}")
        return EXIT_INVALID
    except KeyboardInterrupt:  # pragma: no cover - interactive
        _err("coopgame: interrupted")
        return 130
    return EXIT_OK


def _silence_stdout() -> None:
    """Point standard output at the null device, so the final flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (captured output): nothing to flush
        pass


def _dump(data: Any) -> None:
    from coopgame.results import to_jsonable

    print(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))


def _models(args: argparse.Namespace) -> None:
    from coopgame.models.catalog import list_models

    catalog = list_models()
    if args.json:
        _dump(list(catalog.entries))
    else:
        print(catalog.summary().as_text())


def _solve(args: argparse.Namespace) -> None:
    from coopgame.models.catalog import load_model
    from coopgame.report import model_analysis

    spec = load_model(args.model)
    _err(f"coopgame: solving {spec.slug} ({spec.kind}, {spec.n_players} players) ...")
    analysis = model_analysis(spec, scenario=args.scenario, progress=True)
    _err(f"coopgame: solved {spec.slug} in {analysis.elapsed:.2f} s")
    if args.json:
        _dump(analysis.to_dict())
    else:
        print(analysis.as_text())
    _write_outputs(analysis, args.report, args.plots)


def _sweep(args: argparse.Namespace) -> None:
    from coopgame.models.catalog import load_model
    from coopgame.report import SweepFigure, model_analysis
    from coopgame.policy.sweep import parameter_sweep

    grid = dict(args.grid)
    spec = load_model(args.model)
    if args.scenario:
        spec = spec.scenario(args.scenario)
    issue: str | int | None = args.issue
    if issue is not None and issue.isdigit():
        issue = int(issue)
    result = parameter_sweep(spec, grid, progress=not args.no_progress, issue=issue)
    if args.json:
        out = result.to_dict()
        out["model"] = spec.slug
        _dump(out)
    else:
        print(result.summary().as_text())
    if args.report or args.plots:
        analysis = model_analysis(spec)
        _write_outputs(analysis, args.report, args.plots, extra=[SweepFigure(result)], sweep_only=True)


def _write_outputs(analysis: Any, report: Path | None, plots: Path | None, *, extra: Sequence[Any] = (),
                   sweep_only: bool = False) -> None:
    from coopgame.report import write_plots, write_report

    if report is not None:
        path = write_report(analysis, report, extra=extra)
        _err(f"coopgame: wrote report {path}")
    if plots is not None:
        if sweep_only:
            from coopgame.report.plots import save_png

            plots.mkdir(parents=True, exist_ok=True)
            paths = [save_png(item.figure(), plots / f"{analysis.model}-sweep.png") for item in extra]
        else:
            paths = write_plots(analysis, plots)
        for path in paths:
            _err(f"coopgame: wrote figure {path}")


def _concepts(args: argparse.Namespace) -> None:
    from coopgame.policy.concepts import concept_table

    target, name = None, ""
    if args.scenario and args.model is None:
        from coopgame.errors import InvalidParameterError

        raise InvalidParameterError("concepts: --scenario needs a MODEL")
    if args.model is not None:
        from coopgame.models.catalog import load_model

        spec = load_model(args.model)
        if args.scenario:
            spec = spec.scenario(args.scenario)
        target, name = spec.build(), spec.slug
    table = concept_table(target, name=name)
    if args.json:
        _dump(table.to_dict())
    else:
        print(table.as_text())


def _validate(args: argparse.Namespace) -> None:
    from coopgame.models.catalog import validate_model_file

    spec = validate_model_file(args.file)
    prov = spec.provenance()
    counts: dict[str, int] = {}
    for item in prov.items:
        counts[item.label] = counts.get(item.label, 0) + 1
    basis = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    print(f"{args.file}: valid model {spec.slug!r} ({spec.kind}, {spec.n_players} players, "
          f"{len(spec.parameters)} parameters; numbers: {basis or 'none'})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
