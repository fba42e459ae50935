"""Notebook display of games and analyses: a compact :class:`~coopgame.results.Summary`, rendered as HTML.

The one place a game becomes what Jupyter shows (``_repr_html_``): a title,
a few facts (players, size, the grand coalition's worth ...) and one small
table — every coalition's worth, or every pure profile's payoffs, for games
of at most :data:`MAX_TABLE_PLAYERS` players; one row per player beyond
(at most :data:`MAX_ROWS` rows). Nothing here evaluates ``2**n`` coalitions of
a large game. The HTML itself is :meth:`Summary.as_html`'s; a display hook
never raises (:func:`html_of` falls back to the one-line repr).

Examples
--------
>>> import coopgame
>>> g = coopgame.TUGame([0, 1, 1, 3], players=["A", "B"])
>>> page = g._repr_html_()
>>> "<table>" in page and "{A, B}" in page
True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from coopgame.results import Summary, format_number

__all__ = ["MAX_ROWS", "MAX_TABLE_PLAYERS", "html_of", "players_text", "tu_summary", "pairwise_summary",
           "ncity_summary", "binary_summary", "analysis_html"]

MAX_TABLE_PLAYERS = 4
"""Largest game whose every coalition (or pure profile) is listed: 2**4 = 16 rows."""

MAX_ROWS = 20
"""Most rows of a per-player table; the rest are counted in a note."""


def html_of(obj: Any, make: Callable[[Any], Summary | str]) -> str:
    """``make(obj)`` as HTML (a Summary's :meth:`~Summary.as_html`, or HTML text); the escaped repr if it fails."""
    try:
        made = make(obj)
        return made.as_html() if isinstance(made, Summary) else made
    except Exception:  # noqa: BLE001 - a display hook never raises; the one-line repr is shown instead
        try:
            text = repr(obj)
        except Exception:  # noqa: BLE001
            text = f"<{type(obj).__name__}>"
        return f"<pre>{html.escape(text)}</pre>"


def players_text(players: Sequence[str], limit: int = 6) -> str:
    """``"A, B, C"``, or the first ``limit`` names and how many more.

    >>> players_text(["a", "b", "c", "d"], limit=2)
    'a, b (+2 more)'
    """
    shown = ", ".join(players[:limit])
    return shown if len(players) <= limit else f"{shown} (+{len(players) - limit} more)"


def _coalition(players: Sequence[str], mask: int) -> str:
    return "{" + ", ".join(p for i, p in enumerate(players) if mask >> i & 1) + "}"


def _more(n: int, what: str) -> tuple[str, ...]:
    return (f"First {MAX_ROWS} of {n} {what} shown.",) if n > MAX_ROWS else ()


def tu_summary(game: Any) -> Summary:
    """A transferable-utility game (:class:`~coopgame.TUGame`, :class:`~coopgame.StructuredGame`,
    :class:`~coopgame.ValueFunctionGame`): every coalition's worth for a small game, else each player's
    worth alone."""
    n, players = game.n_players, tuple(game.players)
    facts: list[tuple[str, Any]] = [("players", f"{n}: {players_text(players)}"), ("v(N)", float(game.grand_value))]
    cost = bool(getattr(game, "is_cost_game", False))
    if cost:
        facts.append(("cost game", "yes: worths are savings against each player's standalone cost"))
    terms = getattr(game, "cost_terms", ())
    if terms:
        facts.append(("cost terms", ", ".join(type(t).__name__ for t in terms)))
    func = getattr(game, "_func", None)
    if func is not None:
        facts.append(("worth function", getattr(func, "__name__", type(func).__name__)))
    standalone = game.standalone_costs if cost else None
    if n <= MAX_TABLE_PLAYERS:
        masks = np.arange(1 << n)
        worth = _worths(game, masks)
        columns = ("coalition", "v(S)") + (("cost C(S)",) if cost else ())
        names = [_coalition(players, m) for m in masks.tolist()]
        if standalone is None:
            rows: tuple[tuple[Any, ...], ...] = tuple((name, float(w)) for name, w in zip(names, worth))
        else:   # C(S) = sum of the members' standalone costs - the savings v(S)
            cost_of = ((masks[:, None] >> np.arange(n)) & 1) @ np.asarray(standalone, dtype=float) - worth
            rows = tuple((name, float(w), float(c)) for name, w, c in zip(names, worth, cost_of))
        return Summary(title=type(game).__name__, facts=tuple(facts), columns=columns, rows=rows)
    shown = min(n, MAX_ROWS)
    alone = _worths(game, np.left_shift(1, np.arange(shown, dtype=np.int64)))
    columns = ("player", "v({i})") + (("standalone cost",) if standalone is not None else ())
    rows = tuple((players[i], float(alone[i])) + ((float(standalone[i]),) if standalone is not None else ())
                 for i in range(shown))
    return Summary(title=type(game).__name__, facts=tuple(facts), columns=columns, rows=rows,
                   notes=_more(n, "players") + (f"{2 ** n:,} coalitions: not listed.",))


def _worths(game: Any, masks: np.ndarray) -> np.ndarray:
    if hasattr(game, "value_of_masks"):
        return np.asarray(game.value_of_masks(masks), dtype=float)
    return np.asarray(game.values, dtype=float)[masks]


def pairwise_summary(game: Any) -> Summary:
    """A bimatrix game: its payoff table, ``(row payoff, column payoff)`` in each cell."""
    (rows_acts, cols_acts), (m, k) = game.actions, game.shape
    A, B = game.row_payoffs, game.col_payoffs
    facts: list[tuple[str, Any]] = [("players", f"{game.players[0]} (rows), {game.players[1]} (columns)"), ("actions", f"{m} x {k}")]
    if game.is_perceived:
        facts.append(("payoffs", "as perceived (true payoffs: .true_game)"))
    if (m, k) == (2, 2):
        cls = game.classify()
        facts += [("class", cls.name), ("regime", str(cls.regime))]
    shown = min(m, MAX_ROWS)
    rows: tuple[tuple[Any, ...], ...] = tuple((rows_acts[i], *(f"{format_number(A[i, j])}, {format_number(B[i, j])}" for j in range(min(k, 12))))
                 for i in range(shown))
    return Summary(title="PairwiseGame", facts=tuple(facts), columns=("", *cols_acts[:12]), rows=rows,
                   notes=_more(m, "row actions") + ((f"First 12 of {k} column actions shown.",) if k > 12 else ()))


# NCityGame parameters with one value per city and issue, in the order a table shows them
_PER_CITY = ("cost", "base", "reward", "penalty", "perception")


def ncity_summary(game: Any) -> Summary:
    """An n-city game: each city's parameters per issue; every pure profile's payoffs for up to
    :data:`MAX_TABLE_PLAYERS` cities and one issue."""
    n, players, issues = game.n_players, tuple(game.players), tuple(game.issues)
    facts: list[tuple[str, Any]] = [("players", f"{n}: {players_text(players)}"), ("actions", "0 defect, 1 cooperate")]
    if game.n_layers > 1:
        facts.append(("issues", f"{game.n_layers}: {players_text(issues)}"))
    matrices = [k for k in ("spillover", "synergy", "siphon") if np.any(game.parameter(k))]
    if matrices:
        facts.append(("pair terms", ", ".join(matrices) + " (n x n: game.parameter(name))"))
    if n <= MAX_TABLE_PLAYERS and game.n_layers == 1:
        table = game.payoff_table()
        rows: tuple[tuple[Any, ...], ...] = tuple(("(" + ", ".join(str(m >> i & 1) for i in range(n)) + ")",
                      *(float(v) for v in table[m])) for m in range(1 << n))
        return Summary(title="NCityGame: payoffs of the pure profiles", facts=tuple(facts),
                       columns=("profile", *players), rows=rows)
    values = {k: game.parameter(k) for k in _PER_CITY}
    cells = [(k, i) for k in range(game.n_layers) for i in range(n)]
    rows = tuple(((issues[k],) if game.n_layers > 1 else ()) + (players[i], *(float(values[name][k, i])
                                                                              for name in _PER_CITY))
                 for k, i in cells[:MAX_ROWS])
    columns = (("issue",) if game.n_layers > 1 else ()) + ("city", *_PER_CITY)
    return Summary(title="NCityGame", facts=tuple(facts), columns=columns, rows=rows,
                   notes=_more(len(cells), "rows") + ((f"{2 ** n:,} pure profiles: not listed.",) if n > MAX_TABLE_PLAYERS
                                                      else ("Payoffs of one issue: game.layer(k).payoff_table().",)))


def binary_summary(game: Any) -> Summary:
    """A game of n players with two actions each: every pure profile's payoffs for a small game."""
    n, players = game.n_players, tuple(game.players)
    actions = game.actions
    facts: list[tuple[str, Any]] = [("players", f"{n}: {players_text(players)}"), ("actions", f"{actions[0]}, {actions[1]}")]
    table = game.payoff_table
    if n > MAX_TABLE_PLAYERS:   # each player's payoff when everyone plays action 0, and when everyone plays 1
        rows: tuple[tuple[Any, ...], ...] = tuple((players[i], float(table[0, i]), float(table[-1, i]))
                     for i in range(min(n, MAX_ROWS)))
        return Summary(title="BinaryActionGame", facts=tuple(facts),
                       columns=("player", f"all play {actions[0]}", f"all play {actions[1]}"), rows=rows,
                       notes=_more(n, "players") + (f"{2 ** n:,} pure profiles: not listed "
                                                    "(game.payoffs(profiles)).",))
    rows = tuple(("(" + ", ".join(actions[m >> i & 1] for i in range(n)) + ")", *(float(v) for v in table[m]))
                 for m in range(1 << n))
    return Summary(title="BinaryActionGame: payoffs of the pure profiles", facts=tuple(facts),
                   columns=("profile", *players), rows=rows)


def analysis_html(analysis: Any) -> str:
    """A model analysis: the headline, its overview, every section's table, the provenance folded away."""
    esc = html.escape
    parts = ['<div class="coopgame-analysis">']
    if analysis.headline:
        parts.append(f"<p><strong>{esc(analysis.headline)}</strong></p>")
    answer = analysis.policy_answer
    if answer is not None:
        parts.append(answer.summary.as_html())
    parts.append(analysis.summary().as_html())
    parts += [s.summary.as_html() for s in analysis.sections if s is not answer]
    if analysis.provenance is not None:
        parts.append(f"<details><summary>Where the numbers come from</summary>{analysis.provenance.as_html()}"
                     "</details>")
    parts.append("</div>")
    return "".join(parts)
