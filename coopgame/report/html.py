"""Self-contained HTML reports: inline CSS, figures embedded as base64 PNG, no external requests.

A report opens from a file or an e-mail attachment with nothing else beside
it. Figures need matplotlib; without it the report still has every table and
says which figures were left out.
"""

from __future__ import annotations

import base64
import html
import inspect
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from coopgame.errors import CoopgameError, CoopgameWarning, InvalidParameterError
from coopgame.report.analysis import ModelAnalysis
from coopgame.report.labels import check_labels, city_names_zh, translate, translate_names

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
html:lang(zh) td:first-child{white-space:nowrap}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def render_html(analysis: ModelAnalysis, *, figures: bool = True, extra: Sequence[Any] = (),
                labels: str = "en") -> str:
    """The report as one HTML document.

    Parameters
    ----------
    analysis : ModelAnalysis
    figures : bool, default True
        Embed the figures (needs matplotlib; left out with a note otherwise).
    extra : sequence
        More results to append, each with ``summary()`` (and ``figure()`` to
        embed one), e.g. a :class:`~coopgame.policy.sweep.SweepResult` via :class:`SweepFigure`.
    labels : {"en", "zh"}, default "en"
        ``"zh"``: a Chinese page (``lang="zh"``, the fixed headings in Chinese) that shows the cities by their
        Chinese names from the seed tables, in the tables and the figures (:mod:`coopgame.report.labels`).
        Players stay identified by their English names everywhere else (JSON, file names).

    Returns
    -------
    str
    """
    from coopgame import __version__

    func = "render_html"
    _check_analysis(analysis, func)
    _check_flag(figures, func, "figures")
    extra = _check_extra(extra, func)
    labels = check_labels(labels, func)
    esc = html.escape
    tr = partial(translate, labels=labels)
    cities = partial(_city_cells, names=_shown_names(analysis, labels))
    missing_figures: list[str] = []
    blocks: list[str] = []
    toc: list[str] = []
    answer = analysis.policy_answer
    answer_block = ""
    if answer is not None:  # a city-group model leads with the policy answer
        title = esc(tr(answer.summary.title))   # "Policy answer", or a fund mechanism's own
        toc.append(f'<li><a href="#policy-answer">{title}</a></li>')
        answer_block = (f'<section id="policy-answer"><h2>{title}</h2>'
                        f'<p class="lead"><strong>{esc(translate_names(str(answer.data["headline"]), labels))}'
                        f'</strong></p>{cities(_strip_heading(answer.summary.as_html()))}</section>')
    for k, section in enumerate(analysis.sections, start=1):
        if section is answer:
            continue
        anchor = f"s{k}-{esc(section.key)}"
        toc.append(f'<li><a href="#{anchor}">{esc(tr(section.summary.title))}</a></li>')
        body = [f'<section id="{anchor}"><h2>{esc(tr(section.summary.title))}</h2>',
                cities(_strip_heading(section.summary.as_html())), cities(_flows_table(section.data, labels))]
        if figures and section.figure is not None:
            png = _draw(section.figure, missing_figures, section.key, labels)
            if png is not None:
                body.append(f"<figure>{_img(png, section.caption or section.summary.title)}"
                            f"<figcaption>{esc(section.caption)}</figcaption></figure>")
        body.append(f'<p class="note">计算用时 {section.elapsed:.3f} 秒。</p></section>' if labels == "zh" else
                    f'<p class="note">Computed in {section.elapsed:.3f} s.</p></section>')
        blocks.append("".join(body))
    for k, item in enumerate(extra, start=len(blocks) + 1):
        summary = item.summary()
        anchor = f"s{k}-extra"
        toc.append(f'<li><a href="#{anchor}">{esc(tr(summary.title))}</a></li>')
        body = [f'<section id="{anchor}"><h2>{esc(tr(summary.title))}</h2>', cities(_strip_heading(summary.as_html()))]
        if figures and hasattr(item, "figure"):
            png = _draw(item.figure, missing_figures, summary.title, labels)
            if png is not None:
                body.append(f"<figure>{_img(png, summary.title)}<figcaption>{esc(summary.title)}</figcaption></figure>")
        blocks.append("".join(body) + "</section>")
    if analysis.provenance is not None:
        toc.append(f'<li><a href="#provenance">{tr("Where the numbers come from")}</a></li>')
        blocks.append(f'<section id="provenance"><h2>{tr("Where the numbers come from")}</h2>'
                      + cities(_strip_heading(analysis.provenance.as_html())) + "</section>")
    skipped = list(analysis.skipped) + [f"figure {m}" for m in missing_figures]
    if skipped:
        blocks.append(f'<section id="skipped"><h2>{tr("Not computed")}</h2><ul class="skipped">'
                      + "".join(f"<li>{esc(s)}</li>" for s in skipped) + "</ul></section>")
    overview = cities(_strip_heading(analysis.summary().as_html()))
    lead = f'<p class="lead">{esc(analysis.description)}</p>' if analysis.description else ""
    if getattr(analysis, "illustrative", False):   # magnitudes that rest on modeling choices are said to, up front
        lead = f'<p class="illustrative"><strong>Illustrative.</strong> {esc(analysis.basis)}.</p>' + lead
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-Hans" if labels == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(analysis.title)} - coopgame report</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(analysis.title)}</h1>"
        f'<p class="meta">model <code>{esc(analysis.model)}</code> &middot; kind {esc(analysis.kind)} &middot; '
        f"solved in {analysis.elapsed:.3f} s by coopgame {esc(__version__)}</p>{lead}</header>"
        f"{answer_block}"
        f'<nav><h3>{tr("Contents")}</h3><ol>{"".join(toc)}</ol></nav>'
        f'<section id="overview"><h2>{tr("Overview")}</h2>{overview}</section>'
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


def _shown_names(analysis: ModelAnalysis, labels: str) -> Mapping[str, str]:
    """English city name -> the name a reader sees (empty: the names as they are)."""
    return city_names_zh() if labels == "zh" else {}


_TEXT_CELL = re.compile(r"(<(td|th|dd|dt|li|caption)(?: [^>]*)?>)([^<]*)(</\2>)")


def _city_cells(fragment: str, names: Mapping[str, str]) -> str:
    """``fragment`` with the city names in its table cells (and facts) shown as ``names`` says."""
    if not names:
        return fragment

    def cell(m: re.Match[str]) -> str:
        text = html.unescape(m.group(3))
        shown = translate_names(text, "zh", players=names)
        return m.group(1) + (m.group(3) if shown == text else html.escape(shown)) + m.group(4)

    return _TEXT_CELL.sub(cell, fragment)


def _flows_table(data: Any, labels: str) -> str:
    """"Who pays whom" of a fund section (its first rule's flows) as a table, or ``""``."""
    from coopgame.results import format_number

    outcomes = data.get("outcomes") if isinstance(data, Mapping) else None
    if not isinstance(outcomes, (list, tuple)) or not outcomes or not isinstance(outcomes[0], Mapping):
        return ""
    flows = outcomes[0].get("flows")
    if not isinstance(flows, (list, tuple)) or not flows:
        return ""
    esc = html.escape
    rule = str(outcomes[0].get("rule", ""))
    head = translate("Who pays whom", labels) + (f" ({translate('rule', labels)}: {rule})" if rule else "")
    cols = "".join(f"<th>{esc(translate(c, labels))}</th>" for c in ("payer", "receiver", "amount"))
    ordered = sorted(flows, key=lambda f: -abs(float(f.get("amount", 0.0))))  # the largest first
    rows = "".join(f"<tr><td>{esc(str(f.get('payer', '')))}</td><td>{esc(str(f.get('receiver', '')))}</td>"
                   f'<td class="num">{esc(format_number(float(f.get("amount", float("nan")))))}</td></tr>'
                   for f in ordered)
    return (f'<h3 class="flows">{esc(head)}</h3><table class="flows"><thead><tr>{cols}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _takes_labels(draw: Any) -> bool:
    try:
        return "labels" in inspect.signature(draw).parameters
    except (TypeError, ValueError):  # a callable without a signature: drawn as it is
        return False


def _draw(draw: Any, missing: list[str], name: str, labels: str = "en") -> bytes | None:
    """The figure's PNG, or None with the reason in ``missing`` (no matplotlib, data a figure cannot show)."""
    try:
        fig = draw(labels=labels) if labels != "en" and _takes_labels(draw) else draw()
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
    """Wrap a :class:`~coopgame.policy.sweep.SweepResult` so a report shows its table and a figure.

    The figure is a line over a one-parameter sweep and a heat map over the first two parameters of a larger
    one. ``model`` (the swept :class:`~coopgame.models.schema.ModelSpec`) gives the axes their units: the
    model's unit on the outcome, each parameter's own on its axis.
    """

    def __init__(self, result: Any, model: Any = None) -> None:
        from coopgame.models.schema import ModelSpec
        from coopgame.policy.sweep import SweepResult

        if not isinstance(result, SweepResult):
            raise InvalidParameterError(f"SweepFigure(): result must be a SweepResult (from parameter_sweep()); got "
                                        f"{type(result).__name__}")
        if model is not None and not isinstance(model, ModelSpec):
            raise InvalidParameterError(f"SweepFigure(): model must be the swept ModelSpec (for the units) or None; "
                                        f"got {type(model).__name__}")
        self.result = result
        self.model = model

    def summary(self) -> Any:
        return self.result.summary()

    def _axis(self, name: str) -> str:
        params = getattr(self.model, "parameters", {}) or {}
        param = params.get(name.split("[")[0].split(".")[0])
        unit = getattr(param, "unit", "") if param is not None else ""
        return f"{name} ({unit})" if unit else name

    def figure(self, labels: str = "en") -> Any:
        """A line over a one-parameter sweep; a heat map over the first two parameters (others at their first
        value) of a larger one. The sweep's headline outcome, with units on the axes."""
        from coopgame.report.plots import sweep_heatmap, sweep_line

        labels = check_labels(labels, "SweepFigure.figure")
        res = self.result
        names = list(res.grid)
        key = res.headline
        z = np.asarray(res.outputs[key], dtype=float)
        z = z[(slice(None),) * min(2, z.ndim) + (0,) * max(0, len(names) - 2)] if len(names) > 2 else z
        unit = getattr(self.model, "unit", "") or ""
        label = "long-run regime of the replicator dynamics" if key == "regime" else \
            "smallest Shapley margin over stand-alone, min_i (phi_i - v({i}))" + (f" ({unit})" if unit else "")
        if len(names) == 1:
            return sweep_line(res.grid[names[0]], z, xlabel=self._axis(names[0]), zlabel=label,
                              categories=res.categories.get(key), title=label, labels=labels)
        return sweep_heatmap(res.grid[names[1]], res.grid[names[0]], z, xlabel=self._axis(names[1]),
                             ylabel=self._axis(names[0]), zlabel=label, categories=res.categories.get(key),
                             title=label, labels=labels)


def write_report(analysis: ModelAnalysis, path: str | Path, *, extra: Sequence[Any] = (),
                 labels: str = "en") -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8) and return the path (``labels="zh"``: in Chinese)."""
    func = "write_report"
    _check_analysis(analysis, func)
    path = _check_path(path, func, "path")
    extra = _check_extra(extra, func)
    labels = check_labels(labels, func)
    page = render_html(analysis, extra=extra, labels=labels)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as err:
        raise _os_error(err, func, "the report to", path) from None
    return path


def write_plots(analysis: ModelAnalysis, directory: str | Path, *, extra: Sequence[Any] = (),
                labels: str = "en") -> list[Path]:
    """Write each section's figure as ``<model>-<section>.png`` in ``directory``; return the paths
    (``labels="zh"``: the cities by their Chinese names)."""
    func = "write_plots"
    _check_analysis(analysis, func)
    directory = _check_path(directory, func, "directory")
    extra = _check_extra(extra, func)
    labels = check_labels(labels, func)
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
        png = _draw(draw, missing, key, labels)
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
