"""The n-city cooperation game of DESIGN §2.1: spillovers, synergy, siphoning, central incentives.

Cities ``i = 0..n-1`` choose ``x_i ∈ {0 protect, 1 cooperate}``. City i's true payoff is

    u_i(x) = b_i + x_i (W_i − c_i) − (1 − x_i) F_i
             + Σ_j e_ij x_j                 spillover from cooperating neighbours
             + x_i Σ_j s_ij x_j             synergy between cooperating pairs
             + (1 − δ) Σ_j f_ij x_j         siphon gain from opened neighbours
             − x_i Σ_k f_ki                 own factors drawn away when opened

Decisions use *perceived* payoffs, in which city i's cost ``c_i`` and its own
siphon losses ``f_ki`` are multiplied by the perception factor ``β_i >= 1``;
welfare always uses the true payoffs.

The payoff is multilinear in ``x`` (no ``x_i²`` terms), so the same formula
gives expected payoffs when ``x ∈ [0, 1]^n`` are independent cooperation
probabilities (or population shares, for replicator dynamics). City i's gain
from cooperating rather than protecting does not depend on its own action and
is *linear* in the others' actions:

    g_i(x) = W_i + F_i − β_i (c_i + Σ_k f_ki) + Σ_j s_ij x_j

Every equilibrium computation uses this: ``x`` is a pure Nash equilibrium iff
``g_i(x) >= 0`` for every cooperator and ``g_i(x) <= 0`` for every protector.

Issue layers: every parameter may carry a leading axis of length K (one set
of parameters per issue); payoffs are summed over issues, and a city's
strategy is the subset of issues it cooperates on. Because the layers do not
interact, best responses, equilibria and the welfare optimum separate by issue.

Profiles are integer bitmasks: bit i set iff city i cooperates (for one layer);
with K layers a profile is an array of K such masks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coopgame._bitmask import additive_values, membership_matrix, quadratic_values
from coopgame._memory import ensure_dense_fits
from coopgame._pickling import ReadOnlyState
from coopgame._typing import FloatMatrix, FloatVector
from coopgame._validation import _describe, as_float_array, check_players, check_positive_int, label_sequence
from coopgame.errors import GameTooLargeError, InvalidGameError, InvalidParameterError
from coopgame.games._alpha import AlphaLayer, AlphaWorths, alpha_dense_values
from coopgame.games.function_game import ValueFunctionGame
from coopgame.games.pairwise import PairwiseGame
from coopgame.games.structured import StructuredGame
from coopgame.games.tu import TUGame, seal
from coopgame.tolerances import payoff_scale

__all__ = ["NCityGame", "MAX_PROFILE_PLAYERS", "ALPHA_DENSE_MAX_PLAYERS", "PARAMETER_NAMES", "members_game_terms",
           "payoffs_of_states"]

MAX_PROFILE_PLAYERS: int = 62
"""Largest number of cities whose profiles fit in an int64 bitmask."""

_CHUNK = 1 << 16  # profiles evaluated per block when computing payoffs: bounds temporary memory

_CONVENTIONS = ("alpha", "members")
_FORMS = ("dense", "function")

_VECTOR_PARAMS = ("base", "cost", "reward", "penalty", "perception")
_MATRIX_PARAMS = ("spillover", "synergy", "siphon")
PARAMETER_NAMES: tuple[str, ...] = (*_VECTOR_PARAMS, *_MATRIX_PARAMS, "deadweight")
"""The parameters of an :class:`NCityGame` (:meth:`NCityGame.parameter`), as :func:`payoffs_of_states` takes them."""


ALPHA_DENSE_MAX_PLAYERS = 20
"""Above this many cities the analyses (report, sweeps) take the alpha game as a value-function game, each
coalition solved on demand, not as its ``2**n`` dense worths: those take minutes to build exactly at n = 26.
Its Shapley value is then sampled, with standard errors."""


class NCityGame(ReadOnlyState):
    """The n-city cooperation game (DESIGN §2.1), optionally over several issue layers.

    Parameters
    ----------
    cost : array_like, shape (n,) or (K, n)
        ``c_i >= 0``, cost of cooperating (transaction, abatement, co-investment).
    base : array_like, optional
        ``b_i``, base payoff (any sign); default 0.
    reward, penalty : array_like, optional
        ``W_i >= 0`` central reward to cooperators, ``F_i >= 0`` penalty on
        protectors; default 0.
    spillover : array_like, shape (n, n) or (K, n, n), optional
        ``e_ij >= 0``: what i receives when j cooperates, whatever i does.
    synergy : array_like, shape (n, n) or (K, n, n), optional
        ``s_ij >= 0``: what i earns when both i and j cooperate.
    siphon : array_like, shape (n, n) or (K, n, n), optional
        ``f_ij >= 0``: factors drawn from j to i when j opens (cooperates); i
        gains ``(1 − δ) f_ij`` and j loses ``f_ij``.
    deadweight : float or array_like of shape (K,), default 0
        ``δ ∈ [0, 1]``, share of siphoned factors lost in the move.
    perception : array_like, optional
        ``β_i >= 1``: factor on a city's own costs and siphon losses in its
        decisions (local protectionism, bounded rationality); default 1.
    players : sequence of str, optional
        City labels; default ``("1", ..., "n")``.
    issues : sequence of str, optional
        Issue labels, one per layer; default ``("1", ..., "K")``.

    Vectors may also be scalars (the same for every city); matrices must have
    zero diagonals. Inputs are copied; the game's arrays are read-only, with a
    leading layer axis always present (``game.cost.shape == (K, n)``).

    Raises
    ------
    InvalidParameterError
        On a parameter of the wrong shape, a NaN, or a value out of range; the
        message names the parameter.

    Examples
    --------
    Three cities: a joint project pays each pair 3 in synergy, cooperation costs 4.

    >>> s = 3.0 * (1 - np.eye(3))
    >>> g = NCityGame(cost=4.0, synergy=s, players=["Chengdu", "Chongqing", "Deyang"])
    >>> g.payoff_gain(np.array([1.0, 1.0, 1.0])).tolist()   # cooperating pays 2 when all do
    [2.0, 2.0, 2.0]
    >>> g.payoffs(np.array([0b111, 0b000])).tolist()
    [[2.0, 2.0, 2.0], [0.0, 0.0, 0.0]]
    """

    __slots__ = ("_params", "_players", "_issues", "_n", "_k", "_gain_const", "_scale", "_optimum")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, *, cost: ArrayLike, base: ArrayLike = 0.0, reward: ArrayLike = 0.0,
                 penalty: ArrayLike = 0.0, spillover: ArrayLike | None = None, synergy: ArrayLike | None = None,
                 siphon: ArrayLike | None = None, deadweight: ArrayLike = 0.0, perception: ArrayLike = 1.0,
                 players: Sequence[str] | None = None, issues: Sequence[str] | None = None) -> None:
        func = "NCityGame"
        players = label_sequence(players, func=func)
        if issues is not None and (isinstance(issues, (str, bytes, set, frozenset, Mapping))
                                   or not isinstance(issues, Iterable)):
            raise InvalidParameterError(f"{func}(): issues must be a sequence of labels, one per layer; "
                                        f"got {_describe(issues)}")
        raw = {"base": base, "cost": cost, "reward": reward, "penalty": penalty, "perception": perception,
               "spillover": spillover, "synergy": synergy, "siphon": siphon}
        for name in (*_VECTOR_PARAMS, "deadweight"):   # matrices may be None (no such effect); vectors may not
            value = deadweight if name == "deadweight" else raw[name]
            if value is None:
                per = "one per layer" if name == "deadweight" else "one per city, or per layer and city"
                raise InvalidParameterError(f"{func}(): {name} must be a number or an array of numbers "
                                            f"({per}); got None")
        arrays = {k: None if v is None else as_float_array(v, func=func, name=k, error=InvalidParameterError)
                  for k, v in raw.items()}
        n, k = _infer_sizes(arrays, players, func=func)
        params: dict[str, np.ndarray] = {}
        for name in _VECTOR_PARAMS:
            params[name] = _layered(arrays[name], (k, n), name=name, func=func)
        for name in _MATRIX_PARAMS:
            arr = arrays[name]
            params[name] = np.zeros((k, n, n)) if arr is None else _layered(arr, (k, n, n), name=name, func=func)
            if np.any(np.diagonal(params[name], axis1=1, axis2=2) != 0):
                raise InvalidParameterError(f"{func}(): {name} must have a zero diagonal (no self-effects); "
                                            f"got diagonal {np.diagonal(params[name], axis1=1, axis2=2).tolist()}")
        delta = as_float_array(deadweight, func=func, name="deadweight", error=InvalidParameterError)
        params["deadweight"] = _layered(delta, (k,), name="deadweight", func=func)
        for name in ("cost", "reward", "penalty", "spillover", "synergy", "siphon", "deadweight"):
            if np.any(params[name] < 0):
                raise InvalidParameterError(f"{func}(): {name} must be non-negative; got min {params[name].min():g}")
        if np.any(params["deadweight"] > 1):
            raise InvalidParameterError(f"{func}(): deadweight must lie in [0, 1]; got {params['deadweight'].tolist()}")
        if np.any(params["perception"] < 1):
            raise InvalidParameterError(
                f"{func}(): perception must be >= 1 (it inflates perceived costs); got min {params['perception'].min():g}")
        params = {name: seal(arr) for name, arr in params.items()}   # fresh copies: sealed without another
        set_ = object.__setattr__
        set_(self, "_params", MappingProxyType(params))
        set_(self, "_n", n)
        set_(self, "_k", k)
        set_(self, "_players", check_players(players, n, func=func))
        set_(self, "_issues", _issue_labels(issues, k, func=func))
        # Constant part of the perceived gain from cooperating, per layer: W + F − β (c + Σ_k f_ki).
        const = params["reward"] + params["penalty"] - params["perception"] * (
            params["cost"] + params["siphon"].sum(axis=1))
        set_(self, "_gain_const", seal(const))
        # Money terms only: perception and deadweight are ratios (a game x 1e-8 keeps them), so the scale that
        # relative tolerances multiply must not see them; the perceived constant brings in perception x cost.
        money = [arr for name, arr in params.items() if name not in ("perception", "deadweight")]
        set_(self, "_scale", payoff_scale(*money, const))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"NCityGame is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"NCityGame is immutable; cannot delete {name!r}")

    # ------------------------------------------------------------------ accessors
    @property
    def n_players(self) -> int:
        """Number of cities n."""
        return self._n

    @property
    def n_layers(self) -> int:
        """Number of issue layers K."""
        return self._k

    @property
    def players(self) -> tuple[str, ...]:
        """City labels."""
        return self._players

    @property
    def issues(self) -> tuple[str, ...]:
        """Issue labels, one per layer."""
        return self._issues

    @property
    def payoff_scale(self) -> float:
        """Largest absolute money term (the parameters other than the perception and deadweight ratios, and the
        perceived cost of cooperating), 0.0 when all are zero (no floor: relative tolerances multiply it)."""
        return self._scale

    @property
    def perceived_differs(self) -> bool:
        """True when some perception factor ``β_i ≠ 1`` weighs a non-zero cost or siphon loss.

        Then the perceived payoffs that drive decisions (equilibria, dynamics)
        differ from the true payoffs that welfare uses; otherwise the two coincide.
        """
        # Decided from the parameters, not by comparing rounded payoffs (which differ in the last bit in some units).
        weighted = self._params["cost"] + self._params["siphon"].sum(axis=1)
        return bool(np.any((self._params["perception"] != 1.0) & (weighted != 0.0)))

    def parameter(self, name: str) -> np.ndarray:
        """A parameter array by name (read-only, leading layer axis), e.g. ``game.parameter("cost")``."""
        try:
            if not isinstance(name, str):
                raise KeyError(name)
            return self._params[name]
        except KeyError:
            raise InvalidParameterError(f"NCityGame.parameter(): name must be one of {sorted(self._params)}; "
                                        f"got {name!r}") from None

    base = property(lambda self: self._params["base"], doc="b, shape (K, n).")
    cost = property(lambda self: self._params["cost"], doc="c, shape (K, n).")
    reward = property(lambda self: self._params["reward"], doc="W, shape (K, n).")
    penalty = property(lambda self: self._params["penalty"], doc="F, shape (K, n).")
    perception = property(lambda self: self._params["perception"], doc="β, shape (K, n).")
    spillover = property(lambda self: self._params["spillover"], doc="e, shape (K, n, n).")
    synergy = property(lambda self: self._params["synergy"], doc="s, shape (K, n, n).")
    siphon = property(lambda self: self._params["siphon"], doc="f, shape (K, n, n).")
    deadweight = property(lambda self: self._params["deadweight"], doc="δ, shape (K,).")

    def layer(self, k: int) -> NCityGame:
        """The single-issue game of layer ``k``."""
        k = check_positive_int(k, func="NCityGame.layer", name="k", minimum=0, maximum=self._k - 1)
        kw = {name: self._params[name][k] for name in (*_VECTOR_PARAMS, *_MATRIX_PARAMS)}
        return NCityGame(**kw, deadweight=self._params["deadweight"][k], players=self._players,
                         issues=(self._issues[k],))

    # ------------------------------------------------------------------ payoffs
    def payoff_gain(self, x: ArrayLike, *, perceived: bool = True) -> np.ndarray:
        """Each city's gain from cooperating rather than protecting, ``g_i(x) = u_i(1, x_−i) − u_i(0, x_−i)``.

        Parameters
        ----------
        x : array_like, shape (..., n) or, with K > 1 layers, (..., K, n)
            Every city's cooperation probability (or population share) in
            ``[0, 1]``; a batch of states along the leading axes. City i's own
            entry does not affect its gain.
        perceived : bool, default True
            Use the perceived payoffs (costs and own siphon losses times β)
            that drive decisions; False gives the true gain.

        Returns
        -------
        ndarray, same shape as ``x``
            ``g_i(x) = W_i + F_i − β_i (c_i + Σ_k f_ki) + Σ_j s_ij x_j``. The
            n-population replicator dynamics is ``dx_i/dt = x_i (1 − x_i) g_i(x)``.

        Examples
        --------
        >>> g = NCityGame(cost=[1.0, 2.0], synergy=[[0, 3], [0.5, 0]])
        >>> g.payoff_gain([[0, 0], [1, 1], [0.5, 0.5]]).tolist()
        [[-1.0, -2.0], [2.0, -1.5], [0.5, -1.75]]
        """
        perceived = _flag(perceived, func="NCityGame.payoff_gain")
        xv = self._states(x, func="NCityGame.payoff_gain")
        const = self._gain_const if perceived else self._true_gain_const()
        gain = const + np.einsum("kij,...kj->...ki", self._params["synergy"], xv)
        return gain[..., 0, :] if self._k == 1 else gain

    def expected_payoffs(self, x: ArrayLike, *, perceived: bool = False) -> np.ndarray:
        """Payoffs ``u_i(x)`` at independent cooperation probabilities ``x ∈ [0, 1]^n`` (summed over layers).

        Parameters
        ----------
        x : array_like, shape (..., n) or (..., K, n)
        perceived : bool, default False
            True payoffs (welfare) by default; True gives the perceived ones.

        Returns
        -------
        ndarray, shape (..., n)

        Examples
        --------
        >>> g = NCityGame(cost=1.0, spillover=[[0, 2], [2, 0]])
        >>> g.expected_payoffs([1.0, 0.0]).tolist()
        [-1.0, 2.0]
        """
        perceived = _flag(perceived, func="NCityGame.expected_payoffs")
        xv = self._states(x, func="NCityGame.expected_payoffs")
        return self._payoffs_of_states(xv, perceived=perceived).sum(axis=-2)

    def payoffs(self, profiles: ArrayLike, *, perceived: bool = False) -> np.ndarray:
        """Payoffs of pure profiles given as bitmasks (bit i set iff city i cooperates).

        Parameters
        ----------
        profiles : array_like of int, shape (m,) or, with K > 1 layers, (m, K)
        perceived : bool, default False

        Returns
        -------
        ndarray, shape (m, n)
            ``u_i`` of every city in every profile, summed over layers. Work
            is done in blocks of 65,536 profiles to bound temporary memory.
        """
        perceived = _flag(perceived, func="NCityGame.payoffs")
        masks = self._masks(profiles, func="NCityGame.payoffs")
        out = np.empty((masks.shape[0], self._n))
        for start in range(0, masks.shape[0], _CHUNK):
            block = masks[start:start + _CHUNK]
            x = membership_matrix(block, self._n).astype(np.float64)  # (m, K, n)
            out[start:start + _CHUNK] = self._payoffs_of_states(x, perceived=perceived).sum(axis=1)
        return out

    def payoff_table(self, *, perceived: bool = False) -> np.ndarray:
        """The full payoff tensor ``(2**n, n)`` of a single-issue game, row = profile bitmask.

        Refused (before allocating) when it would not fit in memory; for
        equilibria and welfare use :func:`coopgame.pure_equilibria` and
        :meth:`welfare_optimum`, which never build it.

        Examples
        --------
        >>> NCityGame(cost=1.0, reward=2.0, players=["A", "B"]).payoff_table().tolist()
        [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
        """
        perceived = _flag(perceived, func="NCityGame.payoff_table")
        self._single_layer("payoff_table")
        n = self._n
        ensure_dense_fits(n, func="NCityGame.payoff_table", arrays=n + 2)
        return self.payoffs(np.arange(2**n, dtype=np.int64), perceived=perceived)

    def welfare(self, profiles: ArrayLike) -> FloatVector:
        """Utilitarian welfare ``Σ_i u_i`` (true payoffs) of pure profiles given as bitmasks."""
        return self.payoffs(profiles).sum(axis=1)

    def welfare_table(self) -> FloatVector:
        """Welfare of all ``2**n`` profiles of a single-issue game, built by doubling (no profile loop).

        Welfare is quadratic in the profile: a constant, a linear term
        ``Σ_j x_j (W_j + F_j − c_j + Σ_i e_ij − δ Σ_i f_ij)`` and the synergy
        ``Σ_{i≠j} s_ij x_i x_j``.
        """
        self._single_layer("welfare_table")
        ensure_dense_fits(self._n, func="NCityGame.welfare_table", arrays=2)
        const, linear, quad = self._welfare_terms(0)
        values = quadratic_values(linear, quad)
        values += const
        return values

    def welfare_optimum(self) -> tuple[np.ndarray, float]:
        """A welfare-maximising profile and its welfare.

        Returns
        -------
        profile : ndarray of int64, shape () or (K,)
            Bitmask (one per layer) of a profile of maximal welfare; ties go to
            the lowest mask.
        welfare : float

        Examples
        --------
        >>> g = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)))
        >>> mask, w = g.welfare_optimum()
        >>> int(mask), w
        (7, 6.0)
        """
        try:  # the game is immutable: computed once (2**n welfare values per layer), then reused
            return object.__getattribute__(self, "_optimum")
        except AttributeError:
            pass
        masks = []
        total = 0.0
        for k in range(self._k):
            values = (self if self._k == 1 else self.layer(k)).welfare_table()
            best = int(np.argmax(values))
            masks.append(best)
            total += float(values[best])
        arr = seal(np.array(masks, dtype=np.int64))
        optimum = (arr[0] if self._k == 1 else arr), total
        object.__setattr__(self, "_optimum", optimum)
        return optimum

    def status_quo(self) -> FloatVector:
        """``u_i(1_N)``: each city's true payoff when every city cooperates on every issue (DESIGN §2.1)."""
        full = np.ones((self._k, self._n))
        return self._payoffs_of_states(full, perceived=False).sum(axis=0)

    def tu_game(self, convention: str = "alpha", *,
                form: str = "dense") -> StructuredGame | TUGame | ValueFunctionGame:
        """The cooperative (TU) game of the n-city model, in a named convention (DESIGN §2.1).

        Parameters
        ----------
        convention : {"alpha", "members"}, default "alpha"
            ``"alpha"``: ``v(S) = max_{T ⊆ S} Σ_{i∈S} u_i(1_T)``, outsiders
            protect and the members choose which of them cooperate, separately
            on each issue layer; ``v({i}) = max(u_i(1_{i}), u_i(0))`` is the
            city's best stand-alone payoff. ``"members"``: ``v(S) = Σ_{i∈S}
            u_i(1_S)``, every member cooperates (quadratic, structured form).
            True payoffs in both. The default is ``"alpha"`` (DESIGN §2.1); the
            members game is kept for comparison and for models that force full
            cooperation, and is never a silent default.
        form : {"dense", "function"}, default "dense"
            For ``"alpha"`` only. ``"dense"``: a :class:`TUGame` holding all
            ``2**n`` worths (refused with :class:`GameTooLargeError` when it would
            not fit in memory). ``"function"``: a :class:`ValueFunctionGame` that
            solves each requested coalition exactly on its own, for sampled
            Shapley or Banzhaf values with standard errors at any n.

        Returns
        -------
        StructuredGame (members), TUGame or ValueFunctionGame (alpha)

        Notes
        -----
        The alpha worths are exact, computed without enumerating the ``3**n``
        pairs ``T ⊆ S``: on each layer the members' problem is supermodular, so
        its greatest maximiser grows with ``S`` (Topkis), and each coalition's
        is bracketed by those of its subsets and the grand coalition's, then
        closed and searched exactly. The argument is written out once, in the
        docstring of the kernel module ``coopgame.games._alpha``.

        Raises
        ------
        InvalidParameterError
            On an unknown ``convention`` or ``form`` (the message lists the valid ones), or a ``form``
            other than ``"dense"`` with ``convention="members"`` (the form applies to the alpha game only).
        GameTooLargeError
            When the dense alpha game would not fit in memory (use ``form="function"``).

        Examples
        --------
        >>> g = NCityGame(cost=4.0, synergy=3.0 * (1 - np.eye(3)), players=list("ABC"))
        >>> v = g.tu_game(convention="members")
        >>> v.value_of_masks(np.array([1, 3, 7])).tolist()
        [-4.0, -2.0, 6.0]

        In the alpha game a city alone protects (0, not −4), and a pair does
        not cooperate (−2 < 0):

        >>> g.tu_game(convention="alpha").values.tolist()
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 6.0]
        """
        func = "NCityGame.tu_game"
        if not isinstance(convention, str) or convention not in _CONVENTIONS:
            raise InvalidParameterError(f"{func}(): convention must be one of {list(_CONVENTIONS)}; "
                                        f"got {convention!r}")
        if not isinstance(form, str) or form not in _FORMS:
            raise InvalidParameterError(f"{func}(): form must be one of {list(_FORMS)}; got {form!r}")
        p = self._params
        if convention == "members":
            if form != "dense":
                raise InvalidParameterError(f"{func}(): form applies to the alpha game only; the members game is "
                                            f"always a StructuredGame (drop form); got form={form!r}")
            additive, pairwise = members_game_terms(p["base"], p["reward"], p["cost"], p["spillover"],
                                                    p["synergy"], p["siphon"], p["deadweight"])
            return StructuredGame(additive, pairwise, self._players)
        layers, const = self._alpha_layers()
        if form == "function":
            return ValueFunctionGame(AlphaWorths(layers, const), players=self._players)
        n = self._n
        try:  # the worths (float64) and one layer's best sets (int32 up to 31 cities)
            ensure_dense_fits(n, func=f"{func}(convention='alpha')", arrays=1.5 if n <= 31 else 2.0)
        except GameTooLargeError as exc:
            raise GameTooLargeError(
                f"{exc}. For this game: game.tu_game(convention='alpha', form='function') solves each coalition "
                "on demand, for coopgame.shapley_value(..., method='permutation') with standard errors") from None
        values = additive_values(const)
        alpha_dense_values(layers, values)
        return TUGame(values, self._players)

    def _alpha_layers(self) -> tuple[list[AlphaLayer], np.ndarray]:
        """Per-layer data of the alpha game (true payoffs) and the constant ``Σ_layers (b − F)``."""
        p = self._params
        layers = []
        for k in range(self._k):
            a = p["reward"][k] + p["penalty"][k] - p["cost"][k] - p["siphon"][k].sum(axis=0)
            spill = p["spillover"][k] + (1.0 - p["deadweight"][k]) * p["siphon"][k]
            pair = p["synergy"][k] + p["synergy"][k].T
            # Signs of marginal gains are trusted beyond rounding: relative to this layer's own scale (no floor).
            scale = max(float(np.abs(a).max()), float(spill.max()), float(pair.max())) or 1.0
            layers.append(AlphaLayer(a, spill, pair, 1e-10 * scale * self._n))
        return layers, (p["base"] - p["penalty"]).sum(axis=0)

    def to_pairwise(self, *, perceived: bool = True) -> PairwiseGame:
        """The bimatrix form of a two-city game, in the cooperation convention (action 0 = cooperate).

        With K layers each city has ``2**K`` actions, the subsets of issues it
        cooperates on, ordered from "all issues" (bitmask ``2**K − 1``) down to
        "none"; labels are ``"C"``/``"D"`` when K = 1.

        Parameters
        ----------
        perceived : bool, default True
            The perceived payoffs that drive decisions (equal to the true ones
            when β = 1). The game then carries the true payoffs too
            (:attr:`PairwiseGame.true_game`), so that its
            :meth:`~PairwiseGame.welfare` is the true welfare. False gives the
            game of the true payoffs alone.

        Examples
        --------
        >>> g = NCityGame(cost=4.0, reward=1.0, synergy=[[0, 5], [5, 0]], players=["A", "B"])
        >>> g.to_pairwise().row_payoffs.tolist()
        [[2.0, -3.0], [0.0, 0.0]]

        With a perception factor, decisions see inflated costs; welfare does not:

        >>> seen = NCityGame(cost=4.0, reward=1.0, synergy=[[0, 5], [5, 0]], perception=1.5).to_pairwise()
        >>> float(seen.row_payoffs[0, 0]), float(seen.welfare()[0, 0]), seen.true_game == g.to_pairwise(perceived=False)
        (0.0, 4.0, True)
        """
        perceived = _flag(perceived, func="NCityGame.to_pairwise")
        if self._n != 2:
            raise InvalidGameError(f"NCityGame.to_pairwise(): needs exactly 2 cities; got {self._n}")
        k = self._k
        sets = np.arange(2**k - 1, -1, -1, dtype=np.int64)  # issue subsets, "all" first
        # Profile for (row subset a, column subset b): per layer, bit 0 = city 0 in a, bit 1 = city 1 in b.
        a, b = np.meshgrid(sets, sets, indexing="ij")
        layer_bits = (1 << np.arange(k))
        masks = ((a[..., None] & layer_bits) > 0).astype(np.int64) + 2 * ((b[..., None] & layer_bits) > 0)
        profiles = masks.reshape(-1, k) if k > 1 else masks.reshape(-1)
        u = self.payoffs(profiles, perceived=perceived)
        m = 2**k
        labels = ("C", "D") if k == 1 else tuple(
            "{" + ",".join(self._issues[j] for j in range(k) if (s >> j) & 1) + "}" for s in sets)
        true = None
        if perceived and self.perceived_differs:
            t = self.payoffs(profiles, perceived=False)
            true = (t[:, 0].reshape(m, m), t[:, 1].reshape(m, m))
        return PairwiseGame(u[:, 0].reshape(m, m), u[:, 1].reshape(m, m), players=self._players,
                            actions=(labels, labels), true_payoffs=true)

    # ------------------------------------------------------------------ kernels for solvers
    def gain_terms(self, *, perceived: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """``(h, S)`` with ``g(x) = h + S x`` per layer: shapes (K, n) and (K, n, n), read-only."""
        perceived = _flag(perceived, func="NCityGame.gain_terms")
        return (self._gain_const if perceived else self._true_gain_const()), self._params["synergy"]

    def _true_gain_const(self) -> np.ndarray:
        p = self._params
        return p["reward"] + p["penalty"] - p["cost"] - p["siphon"].sum(axis=1)

    def _welfare_terms(self, k: int) -> tuple[float, np.ndarray, FloatMatrix]:
        p = {name: arr[k] for name, arr in self._params.items()}
        const = float(np.sum(p["base"] - p["penalty"]))
        linear = (p["reward"] + p["penalty"] - p["cost"] + p["spillover"].sum(axis=0)
                  - p["deadweight"] * p["siphon"].sum(axis=0))
        return const, linear, p["synergy"]

    def _payoffs_of_states(self, x: np.ndarray, *, perceived: bool) -> np.ndarray:
        """u per layer for states ``x`` of shape (..., K, n) -> (..., K, n)."""
        lead = x.shape[:-2]
        flat = x.reshape(1, -1, self._k, self._n)
        stacked = {name: arr[None] for name, arr in self._params.items()}
        return payoffs_of_states(stacked, flat, perceived=perceived)[0].reshape(*lead, self._k, self._n)

    def _states(self, x: ArrayLike, *, func: str) -> np.ndarray:
        arr = as_float_array(x, func=func, name="x", error=InvalidParameterError)
        n, k = self._n, self._k
        if k == 1:
            if arr.ndim < 1 or arr.shape[-1] != n:
                raise InvalidParameterError(f"{func}(): x must have shape (..., {n}); got {arr.shape}")
            arr = arr[..., None, :]
        elif arr.ndim < 2 or arr.shape[-2:] != (k, n):
            raise InvalidParameterError(f"{func}(): x must have shape (..., {k}, {n}) for {k} issue layers; "
                                        f"got {arr.shape}")
        if np.any(arr < 0) or np.any(arr > 1):
            raise InvalidParameterError(f"{func}(): x must lie in [0, 1]; got values in "
                                        f"[{arr.min():g}, {arr.max():g}]")
        return arr

    def _masks(self, profiles: ArrayLike, *, func: str) -> np.ndarray:
        arr = np.asarray(profiles)
        if arr.dtype.kind not in "iu":
            if arr.size:
                raise InvalidParameterError(f"{func}(): profiles must be integer bitmasks; got dtype {arr.dtype}")
        arr = arr.astype(np.int64)
        if self._k == 1:
            if arr.ndim == 2 and arr.shape[1] == 1:
                arr = arr[:, 0]
            if arr.ndim != 1:
                raise InvalidParameterError(f"{func}(): profiles must have shape (m,); got {arr.shape}")
            arr = arr[:, None]
        elif arr.ndim != 2 or arr.shape[1] != self._k:
            raise InvalidParameterError(f"{func}(): profiles must have shape (m, {self._k}); got {arr.shape}")
        if arr.size and (arr.min() < 0 or arr.max() >= 2**self._n):
            raise InvalidParameterError(f"{func}(): profiles must be bitmasks in [0, 2**{self._n}); "
                                        f"got values in [{arr.min()}, {arr.max()}]")
        return arr

    def _single_layer(self, name: str) -> None:
        if self._k != 1:
            raise InvalidGameError(f"NCityGame.{name}(): needs a single-issue game; this one has {self._k} "
                                   f"layers (use game.layer(k))")

    def __repr__(self) -> str:
        layers = "" if self._k == 1 else f", layers={self._k}"
        return f"NCityGame(n_players={self._n}{layers})"

    def _repr_html_(self) -> str:
        """Jupyter shows a compact summary table (:mod:`coopgame._display`), never all 2**n values of a big game."""
        from coopgame._display import html_of, ncity_summary

        return html_of(self, ncity_summary)


def payoffs_of_states(params: Mapping[str, np.ndarray], x: np.ndarray, *, perceived: bool) -> np.ndarray:
    """The payoffs of :class:`NCityGame` for ``G`` stacked games at once: the one place the formula is written.

    Parameters
    ----------
    params : mapping of str to ndarray
        The game's parameters (:meth:`NCityGame.parameter`) with a leading axis of ``G`` games: ``base``,
        ``reward``, ``penalty``, ``cost``, ``perception`` of shape (G, K, n); ``spillover``, ``synergy``,
        ``siphon`` (G, K, n, n); ``deadweight`` (G, K). No validation: the games' constructors did it.
    x : ndarray, shape (G or 1, P, K, n)
        ``P`` states (cooperation shares, or 0/1 profiles) per game.
    perceived : bool
        Decision payoffs (own cost and siphon losses times the perception factor) or true ones.

    Returns
    -------
    ndarray, shape (G, P, K, n)
        ``u`` per layer.

    Examples
    --------
    >>> g = NCityGame(cost=1.0, spillover=[[0, 2], [2, 0]])
    >>> params = {name: g.parameter(name)[None] for name in PARAMETER_NAMES}
    >>> payoffs_of_states(params, np.array([[[[1.0, 0.0]]]]), perceived=False).tolist()
    [[[[-1.0, 2.0]]]]
    """
    p = params
    beta = p["perception"] if perceived else 1.0
    own_loss = beta * (p["cost"] + p["siphon"].sum(axis=-2))       # Σ_k f_ki: what others draw from i, (G, K, n)
    received = p["spillover"] + (1.0 - p["deadweight"])[..., None, None] * p["siphon"]  # (G, K, n, n)
    return ((p["base"] - p["penalty"])[:, None] + x * (p["reward"] + p["penalty"] - own_loss)[:, None]
            + np.einsum("gkij,gpkj->gpki", received, np.broadcast_to(x, (received.shape[0], *x.shape[1:])))
            + x * np.einsum("gkij,gpkj->gpki", p["synergy"],
                            np.broadcast_to(x, (p["synergy"].shape[0], *x.shape[1:]))))


def members_game_terms(base: np.ndarray, reward: np.ndarray, cost: np.ndarray, spillover: np.ndarray,
                       synergy: np.ndarray, siphon: np.ndarray, deadweight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The terms ``(a, M)`` of the cooperative game of :meth:`NCityGame.tu_game`, summed over issue layers.

    The one place the formula is written (see :meth:`NCityGame.tu_game`);
    parameter sweeps call it on stacks of parameter values. No validation.

    Parameters
    ----------
    base, reward, cost : ndarray, shape (..., K, n)
    spillover, synergy, siphon : ndarray, shape (..., K, n, n)
    deadweight : ndarray, shape (..., K)
        Any leading axes (a grid of parameter values) are kept.

    Returns
    -------
    additive : ndarray, shape (..., n)
    pairwise : ndarray, shape (..., n, n)

    Examples
    --------
    >>> z = np.zeros((1, 2, 2))
    >>> a, m = members_game_terms(np.zeros((1, 2)), np.zeros((1, 2)), np.ones((1, 2)), z, z + [[0, 3], [3, 0]], z,
    ...                           np.zeros(1))
    >>> a.tolist(), m.tolist()
    ([-1.0, -1.0], [[0.0, 3.0], [3.0, 0.0]])
    """
    additive = (base + reward - cost - siphon.sum(axis=-2)).sum(axis=-2)
    pairwise = (spillover + synergy + (1.0 - deadweight)[..., None, None] * siphon).sum(axis=-3)
    return additive, pairwise


def _flag(value: Any, *, func: str, name: str = "perceived") -> bool:
    """A boolean switch: True/False (or a numpy bool); anything else is refused, never read as truthy."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{func}(): {name} must be True or False; got {_describe(value)}")
    return bool(value)


def _infer_sizes(arrays: dict[str, np.ndarray | None], players: Sequence[str] | None, *,
                 func: str) -> tuple[int, int]:
    """Number of cities and of layers from the highest-dimensional parameter given."""
    n = k = None
    for name, arr in arrays.items():
        if arr is None:
            continue
        base_ndim = 2 if name in _MATRIX_PARAMS else 1
        if arr.ndim == base_ndim + 1:
            k = arr.shape[0] if k is None else k
            if arr.shape[0] != k:
                raise InvalidParameterError(f"{func}(): {name} has {arr.shape[0]} layers, others {k}")
        if arr.ndim >= base_ndim:
            n = arr.shape[-1] if n is None else n
    if n is None:
        if players is None:
            raise InvalidParameterError(f"{func}(): cannot tell the number of cities: give players or a "
                                        "parameter with one entry per city")
        n = len(players)
    if n < 1:
        raise InvalidParameterError(f"{func}(): needs at least one city; got 0")
    if n > MAX_PROFILE_PLAYERS:
        raise InvalidParameterError(f"{func}(): at most {MAX_PROFILE_PLAYERS} cities (profiles are int64 "
                                    f"bitmasks); got {n}")
    return n, (1 if k is None else k)


def _layered(arr: np.ndarray, shape: tuple[int, ...], *, name: str, func: str) -> np.ndarray:
    """Broadcast a scalar / per-city / per-layer parameter to its full layered shape (a fresh copy)."""
    try:
        if arr.ndim == len(shape) - 1 or arr.ndim == len(shape) or arr.ndim == 0:
            return np.array(np.broadcast_to(arr, shape), dtype=np.float64)
    except ValueError:
        pass
    want = " or ".join(str(s) for s in (shape[1:], shape) if s)
    raise InvalidParameterError(f"{func}(): {name} must be a scalar or have shape {want}; got {arr.shape}")


def _issue_labels(issues: Sequence[str] | None, k: int, *, func: str) -> tuple[str, ...]:
    if issues is None:
        return tuple(str(i + 1) for i in range(k))
    if isinstance(issues, str):
        raise InvalidParameterError(f"{func}(): issues must be a sequence of labels; got {issues!r}")
    labels = tuple(str(s) for s in issues)
    if len(labels) != k or len(set(labels)) != k:
        raise InvalidParameterError(f"{func}(): issues must be {k} distinct labels; got {list(labels)}")
    return labels
