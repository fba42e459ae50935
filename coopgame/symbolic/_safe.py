"""Turn user input into sympy objects without evaluating it as code.

``sympy.sympify`` and ``sympy.parsing.sympy_parser.parse_expr`` run ``eval`` on
a string, so ``"__import__('os').system(...)"`` would execute. Here a string
is read with Python's :mod:`ast` (which only parses) and the expression is
built node by node from a whitelist: ``+ - * / **``, unary ``+ -``, int and
float literals, identifiers (which become plain :class:`sympy.Symbol`), and
calls of a few sympy functions. Everything else is refused with the package's
typed error, naming the public function, the argument and the offending text.

Size limits keep a short string from hanging the caller: the text length,
the number of nodes, the nesting depth, the size of integer literals and
exact intermediate numbers, numeric exponents, the number of terms the
expression would have once expanded (``(a+b+c)**99`` is refused because the
symbolic routines expand payoffs) and towers of exponentials.
"""

from __future__ import annotations

import ast
import decimal
import keyword
import math
import numbers
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy as sp

from coopgame.errors import InvalidParameterError

__all__ = ["MAX_TEXT", "as_assumptions", "safe_sympify", "sympy_name"]

MAX_TEXT = 2000          # characters of one expression
MAX_NODES = 400          # AST nodes of one expression
MAX_DEPTH = 60           # nesting depth of the AST
MAX_EXPONENT = 64        # |numeric exponent| of a symbolic base
MAX_NUMERIC_EXPONENT = 1000  # |exponent| of a float or irrational base (an exact one is bounded by MAX_DIGITS)
MAX_DIGITS = 300         # decimal digits of an exact number (literal or intermediate)
MAX_TERMS = 32           # terms after expansion (an upper bound, multinomial count): sympy simplify and
                         # the assumption system slow down steeply beyond (ESS conditions, design inverses)

# A few sympy functions that cannot reach the interpreter; called as f(x) / f(x, y) / f(x, ...).
_FUNCTIONS: dict[str, tuple[Callable[..., sp.Basic], int, int | None]] = {
    "sqrt": (sp.sqrt, 1, 1), "exp": (sp.exp, 1, 1), "log": (sp.log, 1, 2), "Abs": (sp.Abs, 1, 1),
    "Min": (sp.Min, 1, 8), "Max": (sp.Max, 1, 8), "Rational": (sp.Rational, 2, 2),
}
# Names that stand for constants rather than symbols (everything else becomes a Symbol).
_CONSTANTS: dict[str, sp.Basic] = {"pi": sp.pi, "oo": sp.oo}

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def sympy_name(text: str) -> bool:
    """True for a string usable as a symbol's name: an identifier, not a keyword, no double underscores.

    >>> sympy_name("C_A"), sympy_name("α"), sympy_name("__class__"), sympy_name("lambda"), sympy_name("a.b")
    (True, True, False, False, False)
    """
    return text.isidentifier() and not keyword.iskeyword(text) and "__" not in text


def _short(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


class _Refused(Exception):
    """Raised inside the builder; turned into the caller's typed error with the offending text."""


def safe_sympify(value: Any, *, func: str, name: str, error: type[Exception] = InvalidParameterError,
                 allow_nonfinite: bool = False) -> sp.Basic:
    """``value`` as a sympy object, never evaluating user text as code.

    Parameters
    ----------
    value : sympy object, real number or str
        sympy objects pass through unchanged; ints, Fractions, floats, Decimals and
        numpy real scalars become sympy numbers; a string is parsed with :mod:`ast`
        against a whitelist (arithmetic, identifiers, ``sqrt exp log Abs Min Max
        Rational``, the constants ``pi`` and ``oo``).
    func, name : str
        The public function and the argument, for the error message.
    error : exception type
        Raised for refused input (InvalidParameterError or InvalidGameError).
    allow_nonfinite : bool
        Accept float NaN/inf (as sympy ``nan``/``oo``); refused by default.

    Examples
    --------
    >>> safe_sympify("R - C/2", func="f", name="x")
    -C/2 + R
    >>> try:
    ...     safe_sympify("__import__('os').getcwd()", func="f", name="x")
    ... except InvalidParameterError as err:
    ...     print(str(err).split("; got ")[1])
    "__import__('os').getcwd()" (attribute access (.getcwd) is not allowed)
    """
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or value is None:
        raise error(f"{func}(): {name} must be a real number, a sympy expression or a formula; got {value!r}")
    if isinstance(value, str):
        return _parse(value, func=func, name=name, error=error)
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return _nonfinite(float(value), func, name, error, allow_nonfinite)
        return sp.Float(str(value))
    if isinstance(value, numbers.Rational):
        return sp.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            return _nonfinite(x, func, name, error, allow_nonfinite)
        return sp.Float(x)
    raise error(f"{func}(): {name} must be a real number, a sympy expression or a formula; got "
                f"{type(value).__name__} {_short(repr(value))}")


def _nonfinite(x: float, func: str, name: str, error: type[Exception], allowed: bool) -> sp.Basic:
    if allowed:
        return sp.nan if math.isnan(x) else (sp.oo if x > 0 else -sp.oo)
    raise error(f"{func}(): {name} must be a finite real number; got {x!r}")


def as_assumptions(assumptions: Any, *, func: str) -> Any:
    """``assumptions`` if it is ``True`` or a sympy Boolean (a ``Q`` expression); refused otherwise.

    ``sympy.ask`` would ``sympify`` (that is, evaluate) a string, so strings are refused here.
    """
    if assumptions is True or isinstance(assumptions, sp.logic.boolalg.Boolean):
        return assumptions
    raise InvalidParameterError(f"{func}(): assumptions must be True or a sympy Q expression such as "
                                f"sympy.Q.positive(x); got {type(assumptions).__name__} {_short(repr(assumptions))}")


# ---------------------------------------------------------------------------------------------- the parser
_ALLOWED = ("a number, a sympy expression or a formula of +, -, *, /, **, names and "
            "sqrt/exp/log/Abs/Min/Max/Rational")


def _parse(text: str, *, func: str, name: str, error: type[Exception]) -> sp.Basic:
    def refuse(why: str) -> Exception:
        return error(f"{func}(): {name} must be {_ALLOWED}; got {_short(text)} ({why})")

    if len(text) > MAX_TEXT:
        raise refuse(f"{len(text)} characters, more than {MAX_TEXT}")
    stripped = text.strip()
    if sympy_name(stripped):  # the common case: a plain name is a symbol (or pi / oo)
        return _CONSTANTS[stripped] if stripped in _CONSTANTS else sp.Symbol(stripped)
    try:
        tree = ast.parse(stripped, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        raise refuse(f"not a formula: {type(err).__name__}: {getattr(err, 'msg', err)}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise refuse(f"{nodes} syntax nodes, more than {MAX_NODES}")
    try:
        expr, _, _ = _Builder(stripped).build(tree.body, 0)
    except _Refused as why:
        raise refuse(str(why)) from None
    except RecursionError:
        raise refuse("nested too deeply") from None
    return expr


class _Builder:
    """Builds a sympy expression from a whitelisted AST; tracks an expanded-terms bound and the exp-tower height."""

    def __init__(self, text: str) -> None:
        self.text = text

    def build(self, node: ast.AST, depth: int) -> tuple[sp.Basic, int, int]:
        """``(expression, terms after expansion (upper bound), height of exponential towers)``."""
        if depth > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} deep")
        if isinstance(node, ast.Constant):
            return self.constant(node), 1, 0
        if isinstance(node, ast.Name):
            if not sympy_name(node.id):
                raise _Refused(f"the name {node.id!r} is not allowed")
            return (_CONSTANTS[node.id] if node.id in _CONSTANTS else sp.Symbol(node.id)), 1, 0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            e, t, h = self.build(node.operand, depth + 1)
            return (-e if isinstance(node.op, ast.USub) else e), t, h
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return self.binop(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise _Refused(f"{_describe(node)} is not allowed")

    def constant(self, node: ast.Constant) -> sp.Basic:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _Refused(f"the literal {v!r} is not a real number")
        if isinstance(v, int):
            if v.bit_length() > MAX_DIGITS * 3.33:
                raise _Refused(f"an integer literal with more than {MAX_DIGITS} digits")
            return sp.Integer(v)
        segment = ast.get_source_segment(self.text, node) or repr(v)
        return sp.Float(segment.replace("_", ""))  # from the text, as sympify reads it ("1e400" stays finite)

    def binop(self, node: ast.BinOp, depth: int) -> tuple[sp.Basic, int, int]:
        a, ta, ha = self.build(node.left, depth + 1)
        b, tb, hb = self.build(node.right, depth + 1)
        op = type(node.op)
        if op is ast.Add:
            out, terms, height = a + b, ta + tb, max(ha, hb)
        elif op is ast.Sub:
            out, terms, height = a - b, ta + tb, max(ha, hb)
        elif op is ast.Mult:
            out, terms, height = a * b, ta * tb, max(ha, hb)
        elif op is ast.Div:
            if b == 0:
                raise _Refused("division by zero")
            out, terms, height = a / b, ta + tb, max(ha, hb)
        else:
            out, terms, height = self.power(a, ta, ha, b, hb)
        if terms > MAX_TERMS:
            raise _Refused(f"it would expand to more than {MAX_TERMS:,} terms")
        _check_size(out)
        return out, terms, height

    @staticmethod
    def power(a: sp.Basic, ta: int, ha: int, b: sp.Basic, hb: int) -> tuple[sp.Basic, int, int]:
        if b.is_number:
            if not b.is_real or b.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
                raise _Refused(f"the exponent {b} is not a finite real number")
            size = abs(float(b))
            if isinstance(a, sp.Rational) and b.is_integer:  # exact: bound the digits of the result
                digits = size * math.log10(max(abs(int(a.p)), int(a.q), 2))
                if digits > MAX_DIGITS:
                    raise _Refused(f"{a}**{b} has about {digits:.3g} digits, more than {MAX_DIGITS}")
            elif size > (MAX_NUMERIC_EXPONENT if a.is_number else MAX_EXPONENT):
                limit = MAX_NUMERIC_EXPONENT if a.is_number else MAX_EXPONENT
                raise _Refused(f"the exponent {b} is larger than {limit} in absolute value")
            if a == 0 and float(b) < 0:
                raise _Refused("division by zero")
            p = abs(int(b)) if b.is_integer else 1
            terms = math.comb(p + ta - 1, ta - 1) if ta > 1 else 1  # multinomial expansion of a ta-term sum
            return a ** b, max(terms, ta), max(ha, hb)
        height = max(ha, hb + 1)  # a symbolic exponent: one more level of exponentials
        if height > 1:
            raise _Refused("a tower of exponentials (a symbolic exponent inside a symbolic exponent)")
        return a ** b, ta + 1, height

    def call(self, node: ast.Call, depth: int) -> tuple[sp.Basic, int, int]:
        fname = node.func.id if isinstance(node.func, ast.Name) else None
        if fname is None:
            raise _Refused(f"{_describe(node.func)} is not allowed")
        if fname not in _FUNCTIONS:
            raise _Refused(f"a call of {fname!r}, which is not one of the allowed functions")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise _Refused(f"{fname}() takes positional arguments only")
        f, lo, hi = _FUNCTIONS[fname]
        if not lo <= len(node.args) <= (hi or len(node.args)):
            raise _Refused(f"{fname}() takes {lo if lo == hi else f'{lo} to {hi}'} arguments; got {len(node.args)}")
        built = [self.build(a, depth + 1) for a in node.args]
        args = [e for e, _, _ in built]
        terms = sum(t for _, t, _ in built)
        height = max(h for _, _, h in built)
        if fname == "exp" and not args[0].is_number:
            height += 1
            if height > 1:
                raise _Refused("a tower of exponentials (exp of an exponential)")
        if fname == "Rational" and not all(isinstance(a, sp.Integer) for a in args):
            raise _Refused("Rational() takes two integers")
        if fname == "Rational" and args[1] == 0:
            raise _Refused("division by zero")
        if fname == "log" and any(a == 0 for a in args[1:]):
            raise _Refused("log() with base 0")
        out = f(*args)
        _check_size(out)
        return out, terms, height


def _check_size(expr: sp.Basic) -> None:
    """Refuse exact numbers too large to compute with quickly, and numbers that are not real (``sqrt(-1)``)."""
    if expr.is_number and expr.is_extended_real is False:
        raise _Refused(f"{expr} is not a real number")
    if isinstance(expr, sp.Rational):
        bits = max(int(expr.p).bit_length(), int(expr.q).bit_length())
        if bits > MAX_DIGITS * 3.33:
            raise _Refused(f"an exact number with more than {MAX_DIGITS} digits")


def _describe(node: ast.AST) -> str:
    kinds = {ast.Attribute: "attribute access", ast.Subscript: "a subscript", ast.Lambda: "a lambda",
             ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
             ast.GeneratorExp: "a comprehension", ast.Compare: "a comparison", ast.BoolOp: "a boolean operator",
             ast.IfExp: "a conditional expression", ast.NamedExpr: "an assignment expression",
             ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
             ast.JoinedStr: "an f-string", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
             ast.Starred: "a starred expression"}
    if isinstance(node, ast.Attribute):
        return f"attribute access (.{node.attr})"
    for kind, text in kinds.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__}"
    if isinstance(node, ast.UnaryOp):
        return f"the operator {type(node.op).__name__}"
    return type(node).__name__
