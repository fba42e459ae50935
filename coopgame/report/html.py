"""Self-contained HTML reports: inline CSS, figures embedded as base64 PNG, no external requests.

A report opens from a file or an e-mail attachment with nothing else beside
it. Figures need matplotlib; without it the report still has every table and
says which figures were left out.
"""

from __future__ import annotations

import base64
import html
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coopgame.errors import CoopgameError, CoopgameWarning, InvalidParameterError
from coopgame.report.analysis import ModelAnalysis

__all__ = ["render_html", "write_report", "write_plots", "SweepFigure"]

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;
color:#1d2430;background:#fff;max-width:1040px;margin:0 auto;padding:24px 28px 64px}
h1{font-size:1.7em;margin:.2em 0 .1em}h2{font-size:1.25em;margin:2em 0 .4em;border-bottom:2px solid #d9e1ec;
padding-bottom:.2em}h3{font-size:1.05em;margin:.6em 0}
.meta{color:#556;margin:0 0 1em}.lead{background:#f4f7fb;border-left:4px solid #0072B2;padding:.6em 1em}
nav ol{columns:2;margin:.4em 0 1em}
table{border-collapse:collapse;margin:.6em 0 1em;font-variant-numeric:tabular-nums;font-size:.93em}
th,td{border-bottom:1px solid #e3e8ef;padding:.28em .7em;text-align:left;vertical-align:top}
th{background:#eef2f7;border-bottom:2px solid #c9d3e0}td.num{text-align:right;white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfd}
dl{display:grid;grid-template-columns:max-content auto;gap:.15em 1em;margin:.4em 0 .8em}
dt{color:#556}dd{margin:0;font-weight:500}
p.note{color:#445;font-size:.92em;margin:.3em 0}
figure{margin:1em 0 1.6em}figure img{max-width:100%;height:auto;border:1px solid #e3e8ef}
figcaption{color:#556;font-size:.9em}
.skipped li{color:#7a4b00}footer{margin-top:3em;color:#778;font-size:.85em}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def render_html(analysis: ModelAnalysis, *, figures: bool = True, extra: Sequence[Any] = ()) -> str:
    """The report as one HTML document.

    Parameters
    ----------
    analysis : ModelAnalysis
    figures : bool, default True
        Embed the figures (needs matplotlib; left out with a note otherwise).
    extra : sequence
        More results to append, each with ``summary()`` (and ``figure()`` to
        embed one), e.g. a :class:`~coopgame.policy.sweep.SweepResult` via :class:`SweepFigure`.

    Returns
    -------
    str
    """
    from coopgame import __version__

    func = "render_html"
    _check_analysis(analysis, func)
    _check_flag(figures, func, "figures")
    extra = _check_extra(extra, func)
    esc = html.escape
    missing_figures: list[str] = []
    blocks: list[str] = []
    toc: list[str] = []
    answer = analysis.policy_answer
    answer_block = ""
    if answer is not None:  # a city-group model leads with the policy answer
        title = esc(answer.summary.title)   # "Policy answer", or a fund mechanism's own
        toc.append(f'<li><a href="#policy-answer">{title}</a></li>')
        answer_block = (f'<section id="policy-answer"><h2>{title}</h2>'
                        f'<p class="lead"><strong>{esc(str(answer.data["headline"]))}</strong></p>'
                        f"{_strip_heading(answer.summary.as_html())}</section>")
    for k, section in enumerate(analysis.sections, start=1):
        if section is answer:
            continue
        anchor = f"s{k}-{esc(section.key)}"
        toc.append(f'<li><a href="#{anchor}">{esc(section.summary.title)}</a></li>')
        body = [f'<section id="{anchor}"><h2>{esc(section.summary.title)}</h2>',
                _strip_heading(section.summary.as_html())]
        if figures and section.figure is not None:
            png = _draw(section.figure, missing_figures, section.key)
            if png is not None:
                body.append(f"<figure>{_img(png, section.caption or section.summary.title)}"
                            f"<figcaption>{esc(section.caption)}</figcaption></figure>")
        body.append(f'<p class="note">Computed in {section.elapsed:.3f} s.</p></section>')
        blocks.append("".join(body))
    for k, item in enumerate(extra, start=len(blocks) + 1):
        summary = item.summary()
        anchor = f"s{k}-extra"
        toc.append(f'<li><a href="#{anchor}">{esc(summary.title)}</a></li>')
        body = [f'<section id="{anchor}"><h2>{esc(summary.title)}</h2>', _strip_heading(summary.as_html())]
        if figures and hasattr(item, "figure"):
            png = _draw(item.figure, missing_figures, summary.title)
            if png is not None:
                body.append(f"<figure>{_img(png, summary.title)}<figcaption>{esc(summary.title)}</figcaption></figure>")
        blocks.append("".join(body) + "</section>")
    if analysis.provenance is not None:
        toc.append('<li><a href="#provenance">Where the numbers come from</a></li>')
        blocks.append('<section id="provenance"><h2>Where the numbers come from</h2>'
                      + _strip_heading(analysis.provenance.as_html()) + "</section>")
    skipped = list(analysis.skipped) + [f"figure {m}" for m in missing_figures]
    if skipped:
        blocks.append('<section id="skipped"><h2>Not computed</h2><ul class="skipped">'
                      + "".join(f"<li>{esc(s)}</li>" for s in skipped) + "</ul></section>")
    overview = _strip_heading(analysis.summary().as_html())
    lead = f'<p class="lead">{esc(analysis.description)}</p>' if analysis.description else ""
    if getattr(analysis, "illustrative", False):   # magnitudes that rest on modeling choices are said to, up front
        lead = f'<p class="illustrative"><strong>Illustrative.</strong> {esc(analysis.basis)}.</p>' + lead
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(analysis.title)} - coopgame report</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(analysis.title)}</h1>"
        f'<p class="meta">model <code>{esc(analysis.model)}</code> &middot; kind {esc(analysis.kind)} &middot; '
        f"solved in {analysis.elapsed:.3f} s by coopgame {esc(__version__)}</p>{lead}</header>"
        f"{answer_block}"
        f'<nav><h3>Contents</h3><ol>{"".join(toc)}</ol></nav>'
        f'<section id="overview"><h2>Overview</h2>{overview}</section>'
        + "".join(blocks)
        + "<footer>Generated by coopgame. Tables list every number the model uses and its basis "
        "(source record, data table, derivation or modeling choice).</footer></body></html>\n"
    )


_NUMBER_CELL = re.compile(r"<td>([-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:e[-+]?\d+)?%?(?: s)?|nan|inf|-inf)</td>")


def _strip_heading(fragment: str) -> str:
    """Drop the fragment's own <h3> title (the report shows it as <h2>) and right-align numeric cells."""
    start = fragment.find("<h3>")
    end = fragment.find("</h3>")
    if start != -1 and end != -1:
        fragment = fragment[:start] + fragment[end + 5:]
    return _NUMBER_CELL.sub(r'<td class="num">\1</td>', fragment)


def _draw(draw: Any, missing: list[str], name: str) -> bytes | None:
    """The figure's PNG, or None with the reason in ``missing`` (no matplotlib, data a figure cannot show)."""
    try:
        fig = draw()
        from coopgame.report.plots import figure_png

        return figure_png(fig)
    except ImportError as err:
        missing.append(f"{name}: {err}")
    except (CoopgameError, ValueError, OverflowError, FloatingPointError) as err:  # the tables still render
        missing.append(f"{name}: could not be drawn ({type(err).__name__}: {err})")
    return None


def _check_analysis(analysis: Any, func: str) -> None:
    if not isinstance(analysis, ModelAnalysis):
        raise InvalidParameterError(f"{func}(): analysis must be a ModelAnalysis (from model_analysis()); got "
                                    f"{type(analysis).__name__}")


def _check_flag(value: Any, func: str, name: str) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{func}(): {name} must be True or False; got {type(value).__name__} {value!r}")


def _check_extra(extra: Any, func: str) -> tuple[Any, ...]:
    """``extra`` as a tuple of items that each have ``summary()`` returning a Summary."""
    if isinstance(extra, (str, bytes, Mapping)) or not isinstance(extra, Iterable):
        raise InvalidParameterError(f"{func}(): extra must be a sequence of results (each with summary()); got "
                                    f"{type(extra).__name__}")
    items = tuple(extra)
    for k, item in enumerate(items):
        if not callable(getattr(item, "summary", None)):
            raise InvalidParameterError(f"{func}(): extra[{k}] must be a result with summary() (e.g. "
                                        f"SweepFigure(sweep_result)); got {type(item).__name__}")
    return items


def _check_path(path: Any, func: str, name: str) -> Path:
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise InvalidParameterError(f"{func}(): {name} must be a file system path (str or pathlib.Path); got "
                                    f"{type(path).__name__} {path!r}"[:300])
    return Path(path)


def _os_error(err: OSError, func: str, what: str, path: Path) -> InvalidParameterError:
    shown = str(path) if len(str(path)) <= 120 else str(path)[:120] + "..."
    return InvalidParameterError(f"{func}(): cannot write {what} {shown!r}: {err.strerror or err}")


class SweepFigure:
    """Wrap a :class:`~coopgame.policy.sweep.SweepResult` so a report shows its table and a heat map."""

    def __init__(self, result: Any) -> None:
        from coopgame.policy.sweep import SweepResult

        if not isinstance(result, SweepResult):
            raise InvalidParameterError(f"SweepFigure(): result must be a SweepResult (from parameter_sweep()); got "
                                        f"{type(result).__name__}")
        self.result = result

    def summary(self) -> Any:
        return self.result.summary()

    def figure(self) -> Any:
        """Heat map of the sweep's headline outcome over its first two parameters (others at their first value)."""
        from coopgame.report.plots import sweep_heatmap

        res = self.result
        names = list(res.grid)
        key = res.headline
        z = np.asarray(res.outputs[key], dtype=float)
        z = z[(slice(None),) * min(2, z.ndim) + (0,) * max(0, len(names) - 2)] if len(names) > 2 else z
        x_name = names[1] if len(names) > 1 else names[0]
        y_name = names[0] if len(names) > 1 else ""
        z2 = z if len(names) > 1 else z[None, :]
        y_vals = res.grid[names[0]] if len(names) > 1 else np.array([0.0])
        label = "long-run regime of the replicator dynamics" if key == "regime" else \
            "smallest Shapley margin over stand-alone, min_i (phi_i - v({i}))"
        return sweep_heatmap(res.grid[x_name], y_vals, z2, xlabel=x_name, ylabel=y_name or "-",
                             zlabel=label, categories=res.categories.get(key), title=label)


def write_report(analysis: ModelAnalysis, path: str | Path, *, extra: Sequence[Any] = ()) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8) and return the path."""
    func = "write_report"
    _check_analysis(analysis, func)
    path = _check_path(path, func, "path")
    extra = _check_extra(extra, func)
    page = render_html(analysis, extra=extra)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as err:
        raise _os_error(err, func, "the report to", path) from None
    return path


def write_plots(analysis: ModelAnalysis, directory: str | Path, *, extra: Sequence[Any] = ()) -> list[Path]:
    """Write each section's figure as ``<model>-<section>.png`` in ``directory``; return the paths."""
    func = "write_plots"
    _check_analysis(analysis, func)
    directory = _check_path(directory, func, "directory")
    extra = _check_extra(extra, func)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _os_error(err, func, "figures into", directory) from None
    jobs = [(section.figure, f"{section.key}") for section in analysis.sections if section.figure is not None]
    jobs += [(item.figure, f"sweep{k if k > 1 else ''}") for k, item in enumerate(extra, start=1)
             if hasattr(item, "figure")]
    written, missing = [], []
    stem = analysis.model.replace("/", "_")
    for draw, key in jobs:
        png = _draw(draw, missing, key)
        if png is None:
            continue
        path = directory / f"{stem}-{key}.png"
        try:
            path.write_bytes(png)
        except OSError as err:
            raise _os_error(err, func, "a figure to", path) from None
        written.append(path)
    if missing:  # a figure left out is said, never silently
        warnings.warn(f"write_plots(): figures not written: {'; '.join(missing)}", CoopgameWarning, stacklevel=2)
    return written
