"""The ``coopgame`` command line: a thin layer over the public API.

Commands
--------
``coopgame``
    The showcase: the built-in default model (three towns sharing a
    wastewater plant), solved and explained.
``coopgame models [--json]``
    The catalogue of built-in models.
``coopgame solve MODEL [--scenario NAME] [--draws N [--seed S]] [--format text|json|csv] [--report FILE.html] [--plots DIR]
[--labels en|zh]``
    Solve a built-in model (by slug) or a model file (by path) with every
    concept that applies; print a summary with the provenance of every number.
``coopgame sweep MODEL --grid NAME=START:STOP:NUM [--grid ...] [--format text|json|csv] [--report FILE.html] [--plots DIR]``
    Evaluate the model over a grid of parameter values (vectorized; progress bar on standard error).
    ``--scheduler ADDRESS``, ``--scheduler-file FILE`` (a Dask scheduler) or ``--workers N`` (a local
    process pool) evaluate the grid's blocks elsewhere, with the same result as one process.
``coopgame validate FILE``
    Check a model file; print what it defines, or one error naming the file and the key.
``coopgame concepts [MODEL] [--json]``
    The registry of solution concepts by game type; with a model, which of them apply to
    each of its games and why the others are skipped.

Results go to standard output, diagnostics (progress, "wrote FILE", errors)
to standard error.

Exit codes: 0 success, 1 invalid input or model, 2 usage error, 70 an internal
error (a bug: one line names the exception; ``COOPGAME_TRACEBACK=1`` shows the
traceback), 141 standard output closed by its reader before everything was written
(``coopgame ... | head``): quietly, with the code a shell gives a program killed by
SIGPIPE (128 + 13), as other Unix tools do, so ``set -o pipefail`` scripts see the
usual value.

Every error is one line ``coopgame: error: ...`` on standard error (usage errors:
argparse's usage line and ``coopgame COMMAND: error: ...``), never a traceback.
``solve``, ``sweep`` and ``concepts`` check a model exactly as ``validate`` does
(:func:`~coopgame.models.catalog.check_buildable`), so they refuse the same files
with the same message. Numerical warnings of numpy raised on the way to an error
are dropped (the error says what went wrong); on success they are shown, after
coopgame's own warnings, as ``coopgame: warning: ...`` lines. Text that the
terminal's encoding cannot show (``PYTHONIOENCODING=ascii``) is written with
backslash escapes instead of failing; ``--json`` output is then pure ASCII JSON.
``solve`` and ``sweep`` print text, JSON or CSV (``--format``; ``--json`` is ``--format json``); JSON ends
with ``schema_version`` and ``coopgame_version`` and writes non-finite numbers as null; CSV has a header row
and its numbers at full precision (``pandas.read_csv`` reads them back equal).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from coopgame.errors import CoopgameError

__all__ = ["main", "EXIT_OK", "EXIT_INVALID", "EXIT_USAGE", "EXIT_INTERNAL", "EXIT_BROKEN_PIPE"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # sysexits.h EX_SOFTWARE
EXIT_BROKEN_PIPE = 141

_EPILOG = """\
commands without arguments: `coopgame` runs the showcase on the built-in default model.
exit codes: 0 success, 1 invalid input or model, 2 usage error, 70 internal error.
examples:
  coopgame models
  coopgame solve chengdu_chongqing --report cc.html --plots figures/
  coopgame sweep two_city_coop --grid reward=0:4:41 --grid penalty=0:4:41 --report sweep.html
  coopgame validate my_model.toml
  coopgame concepts airport_runway
"""

_FORMATS = ("text", "json", "csv")
"""Output formats of ``solve`` and ``sweep`` (``--format``; ``--json`` is ``--format json``)."""

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
    p.add_argument("--draws", metavar="N", type=int, help="draw the model's ranged parameters N times: verdict "
                   "probabilities, 5-95 %% bands, tornado and tipping points (n-city, fund-mechanism and tripartite models)")
    p.add_argument("--seed", metavar="S", type=int, default=None, help="seed of the draws (default: a fixed seed)")
    p.add_argument("--format", choices=_FORMATS, default="text", help="what to print: text (default), json, or csv "
                   "(every table in one long table: section, title, part, row, column, value, text; numbers at "
                   "full precision)")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    p.add_argument("--report", metavar="FILE.html", type=Path, help="write a self-contained HTML report")
    p.add_argument("--plots", metavar="DIR", type=Path, help="write the figures as PNG files into DIR")
    p.add_argument("--labels", choices=("en", "zh"), default="en", help="names in the report and figures: en "
                   "(the players' names) or zh (the cities' Chinese names, a Chinese report; needs a CJK font)")

    p = sub.add_parser("sweep", help="evaluate a model over a grid of parameter values",
                       description="Sweep model parameters over a grid; each --grid adds one axis.")
    p.add_argument("model", metavar="MODEL", help="slug of a built-in model or a .toml path")
    p.add_argument("--grid", metavar="NAME=START:STOP:NUM", action=_GridAppend, required=True, type=_grid_arg,
                   help="a parameter and its values (numpy.linspace); repeat for more axes, "
                        "each parameter once")
    p.add_argument("--scenario", metavar="NAME", help="apply a named scenario first")
    p.add_argument("--issue", metavar="ISSUE", help="for models with issue layers: the issue to sweep")
    p.add_argument("--format", choices=_FORMATS, default="text", help="what to print: text (default), json, or csv "
                   "(one line per grid point: the swept values and the scalar outcomes, at full precision)")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    p.add_argument("--report", metavar="FILE.html", type=Path, help="write an HTML report with the heat map")
    p.add_argument("--plots", metavar="DIR", type=Path, help="write the heat map as a PNG file into DIR")
    p.add_argument("--labels", choices=("en", "zh"), default="en", help="names in the report and figures: en "
                   "or zh (Chinese)")
    p.add_argument("--no-progress", action="store_true", help="do not show the progress bar on standard error")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="evaluate the grid's blocks on a running Dask "
                       "scheduler, e.g. tcp://10.0.0.5:8786 (needs the distributed extra)")
    where.add_argument("--scheduler-file", metavar="FILE", type=Path, help="the Dask scheduler named in FILE (dask "
                       "scheduler --scheduler-file, dask-mpi, dask-jobqueue)")
    where.add_argument("--workers", metavar="N", type=_workers_arg, help="evaluate the grid's blocks in a local pool "
                       "of N processes (results are identical to one process)")

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
    """argparse type for --grid: a malformed grid is a usage error (exit 2); one too large for memory exit 1."""
    from coopgame._memory import ensure_fits
    from coopgame.policy.sweep import parse_grid_spec

    parts = text.partition("=")[2].split(":")
    if len(parts) == 3:  # refuse NUM before numpy.linspace allocates it (malformed text: parse_grid_spec says)
        try:
            num = int(parts[2])
        except ValueError:
            num = 0
        if num > 0:
            ensure_fits(num * 8.0, func="parse_grid_spec", what=f"--grid {_clip(text)} ({_count(num)} values)",
                        remedy="use fewer points (NUM)")
    try:
        return parse_grid_spec(text)
    except CoopgameError as err:
        raise argparse.ArgumentTypeError(str(err).replace("parse_grid_spec(): ", "")) from None


class _GridAppend(argparse.Action):
    """``--grid`` collects the axes in order and refuses a parameter given twice (a usage error)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        axes = list(getattr(namespace, self.dest, None) or [])
        name = values[0]
        if any(name == other for other, _ in axes):
            raise argparse.ArgumentError(self, f"parameter {name!r} is given twice; give each parameter one "
                                               "--grid (each --grid adds one axis)")
        axes.append(values)
        setattr(namespace, self.dest, axes)


def _workers_arg(text: str) -> int:
    """argparse type for --workers: a positive integer (else a usage error)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"N must be a positive integer; got {text!r}")
    return value


@contextlib.contextmanager
def _sweep_executor(args: argparse.Namespace) -> Iterator[Any]:
    """The ``executor=`` of ``coopgame sweep``: ``None``, a process count, or a client of the named scheduler.

    A client this command opened is closed afterwards (the scheduler and its workers keep running).
    """
    if args.scheduler is None and args.scheduler_file is None:
        yield args.workers
        return
    from coopgame.distributed import connect

    if args.scheduler_file is not None and not args.scheduler_file.is_file():
        from coopgame.errors import InvalidParameterError

        raise InvalidParameterError(f"sweep: --scheduler-file {args.scheduler_file} is not a file (a Dask scheduler "
                                    "writes it when started with --scheduler-file)")
    where = f"scheduler file {args.scheduler_file}" if args.scheduler is None else f"scheduler {args.scheduler}"
    try:
        client = connect(args.scheduler, scheduler_file=args.scheduler_file)
    except (OSError, TimeoutError) as err:  # unreachable scheduler: distributed raises OSError or TimeoutError
        from coopgame.errors import InvalidParameterError

        raise InvalidParameterError(f"sweep: cannot connect to the Dask {where}: {_one_line(err)}") from None
    _err(f"coopgame: connected to the Dask {where} ({len(client.scheduler_info().get('workers', {}))} workers)")
    try:
        yield client
    finally:
        client.close()


def _count(num: int) -> str:
    return f"an array of {num}" if num < 10**15 else f"about 10**{len(str(num)) - 1}"


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``coopgame`` console script; returns the exit code."""
    with _tolerant_streams():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    with _warnings_for_the_cli() as deferred:
        code = _run(argv)
        if code == EXIT_OK:
            for show in deferred:
                show()
    return code


def _run(argv: Sequence[str] | None) -> int:
    try:
        parser = _parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as stop:  # argparse exits 2 on usage errors, 0 on --help / --version
            return int(stop.code or 0)
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
        _err(f"coopgame: error: {_one_line(err)}")
        return EXIT_INVALID
    except ImportError as err:  # an optional extra (matplotlib) is needed for --report / --plots
        _err(f"coopgame: error: {_one_line(err)}")
        return EXIT_INVALID
    except OSError as err:  # cannot write the report or the plots
        _err(f"coopgame: error: {_one_line(err)}")
        return EXIT_INVALID
    except KeyboardInterrupt:  # pragma: no cover - interactive
        _err("coopgame: interrupted")
        return 130
    except Exception as err:  # a bug: one line, the traceback only on request
        if os.environ.get("COOPGAME_TRACEBACK"):
            raise
        _err(f"coopgame: error: internal error, please report it ({type(err).__name__}: {_one_line(err)}); "
             "set COOPGAME_TRACEBACK=1 to see the traceback")
        return EXIT_INTERNAL
    return EXIT_OK


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


@contextlib.contextmanager
def _tolerant_streams() -> Iterator[None]:
    """Write what the terminal's encoding cannot show as backslash escapes, instead of UnicodeEncodeError."""
    restore = []
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        errors = getattr(stream, "errors", None)
        if reconfigure is None or errors in (None, "backslashreplace"):
            continue
        try:
            reconfigure(errors="backslashreplace")
        except (ValueError, OSError, TypeError):  # pragma: no cover - a stream that cannot change
            continue
        restore.append((reconfigure, errors))
    try:
        yield
    finally:
        for reconfigure, errors in restore:
            with contextlib.suppress(ValueError, OSError, TypeError):
                reconfigure(errors=errors)


@contextlib.contextmanager
def _warnings_for_the_cli() -> Iterator[list[Any]]:
    """Warnings as one line each; numpy's RuntimeWarnings held back (the caller shows them on success only).

    Yields the list of held-back warnings, each a callable that shows it.
    """
    deferred: list[Any] = []
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None,
                 line: str | None = None) -> None:
            if shown is not _ORIGINAL_SHOWWARNING:  # a test harness records warnings: hand them over
                emit = lambda: shown(message, category, filename, lineno, file, line)  # noqa: E731
            else:
                text = f"coopgame: warning: {category.__name__}: {_one_line(message)}"
                if issubclass(category, RuntimeWarning):
                    text += f" ({os.path.basename(filename)}:{lineno})"
                emit = lambda: _err(text)  # noqa: E731
            if issubclass(category, RuntimeWarning):
                deferred.append(emit)
            else:
                emit()

        warnings.showwarning = show
        yield deferred


_ORIGINAL_SHOWWARNING = warnings.showwarning


def _silence_stdout() -> None:
    """Point standard output at the null device, so the final flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (captured output): nothing to flush
        pass


JSON_SCHEMA_VERSION = 1
"""Version of the layout of ``--json`` output (``schema_version`` in every top-level object)."""


def _dump(data: Any) -> None:
    from coopgame import __version__
    from coopgame.results import to_jsonable

    # JSON's own \\u escapes where the terminal cannot show a character (backslashreplace would break the JSON)
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    out = to_jsonable(data)
    if isinstance(out, dict):   # what a reader of a saved file needs to interpret it (at the end: the answer first)
        out = {**out, "schema_version": JSON_SCHEMA_VERSION, "coopgame_version": __version__}
    print(json.dumps(out, indent=2, allow_nan=False,
                     ensure_ascii=encoding not in ("utf8", "utf8sig", "utf16", "utf32")))


def _models(args: argparse.Namespace) -> None:
    from coopgame.models.catalog import list_models

    catalog = list_models()
    if args.json:
        _dump(list(catalog.entries))
    else:
        print(catalog.summary().as_text())


def _load(model: str) -> Any:
    """The model named on the command line, checked as ``coopgame validate`` checks it."""
    from coopgame.models.catalog import check_buildable, load_model

    spec = load_model(model)
    check_buildable(spec, func="load_model")  # validate's check, in the same words
    return spec


def _solve(args: argparse.Namespace) -> None:
    from coopgame.report import model_analysis

    spec = _load(args.model)
    if args.scenario:
        spec.scenario(args.scenario)  # an unknown scenario is refused before any work starts
    _err(f"coopgame: solving {spec.slug} ({spec.kind}, {spec.n_players} players) ...")
    analysis = model_analysis(spec, scenario=args.scenario, progress=True, draws=args.draws, rng=args.seed)
    _err(f"coopgame: solved {spec.slug} in {analysis.elapsed:.2f} s")
    if args.format == "json":
        _dump(analysis.to_dict())
    elif args.format == "csv":
        print(analysis.as_csv(), end="")
    else:
        print(analysis.as_text())
    _write_outputs(analysis, args.report, args.plots, labels=args.labels)


def _sweep(args: argparse.Namespace) -> None:
    from coopgame._memory import ensure_fits
    from coopgame.report import SweepFigure, model_analysis
    from coopgame.policy.sweep import parameter_sweep

    grid = dict(args.grid)  # _GridAppend refused a repeated name
    points = math.prod(len(v) for v in grid.values())
    # the grid's coordinates alone take 8 bytes per axis and point; refused before the sweep builds them
    ensure_fits(8.0 * points * len(grid), func="parameter_sweep",
                what=f"a grid of {points} points ({' x '.join(str(len(v)) for v in grid.values())})",
                remedy="use fewer points per --grid")
    spec = _load(args.model)
    if args.scenario:
        spec = spec.scenario(args.scenario)
    issue: str | int | None = args.issue
    if issue is not None and issue.isdigit():
        issue = int(issue)
    with _sweep_executor(args) as executor:
        result = parameter_sweep(spec, grid, progress=not args.no_progress, issue=issue, executor=executor)
    if args.format == "json":
        out = result.to_dict()
        out["model"] = spec.slug
        _dump(out)
    elif args.format == "csv":   # every grid point, not the first 40 of the text table
        print(result.summary(max_rows=points).as_csv(), end="")
    else:
        print(result.summary().as_text())
    if args.report or args.plots:
        analysis = model_analysis(spec)
        _write_outputs(analysis, args.report, args.plots, extra=[SweepFigure(result, model=spec)], sweep_only=True,
                       labels=args.labels)


def _write_outputs(analysis: Any, report: Path | None, plots: Path | None, *, extra: Sequence[Any] = (),
                   sweep_only: bool = False, labels: str = "en") -> None:
    from coopgame.report import write_plots, write_report

    if report is not None:
        path = write_report(analysis, report, extra=extra, labels=labels)
        _err(f"coopgame: wrote report {path}")
    if plots is not None:
        if sweep_only:
            from coopgame.report.plots import save_png

            plots.mkdir(parents=True, exist_ok=True)
            paths = [save_png(item.figure(labels=labels), plots / f"{analysis.model}-sweep.png") for item in extra]
        else:
            paths = write_plots(analysis, plots, labels=labels)
        for path in paths:
            _err(f"coopgame: wrote figure {path}")


def _concepts(args: argparse.Namespace) -> None:
    from coopgame.policy.concepts import concept_table

    target, name = None, ""
    if args.scenario and args.model is None:
        from coopgame.errors import InvalidParameterError

        raise InvalidParameterError("concepts: --scenario needs a MODEL")
    if args.model is not None:
        spec = _load(args.model)
        if args.scenario:
            spec = spec.scenario(args.scenario)
        target, name = spec.build(), spec.slug
    table = concept_table(target, name=name)
    if args.json:
        _dump(table.to_dict())
    else:
        print(table.as_text())


def _validate(args: argparse.Namespace) -> None:
    spec = _load(args.file)  # what validate_model_file checks, with the messages of solve
    prov = spec.provenance()
    counts: dict[str, int] = {}
    for item in prov.items:
        counts[item.label] = counts.get(item.label, 0) + 1
    basis = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    print(f"{args.file}: valid model {spec.slug!r} ({spec.kind}, {spec.n_players} players, "
          f"{len(spec.parameters)} parameters; numbers: {basis or 'none'})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
