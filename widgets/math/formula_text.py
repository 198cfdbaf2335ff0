"""The front end shared by the two formula parsers: typed text -> plain text -> tokens.

``expressions`` (scalar formulas such as ``x² + 2x``) and ``matrix_expressions`` (matrix
expressions such as ``2 xᵀ A``) read what students type the same way, then apply their own
grammar to the tokens:

* :func:`normalise` refuses anything that is not text or is longer than the parser's limit, and
  turns typed notation into plain operator syntax: superscript digits are an exponent
  (``x²`` -> ``x^(2)``, ``S⁻¹`` -> ``S^(-1)``), Unicode compatibility forms become the plain
  characters (NFKC: full-width ``（ｘ）`` and the mathematical bold x, U+1D431, are ``(x)``), ``× · ⋅ ∗``
  multiply, ``÷`` divides, ``− –`` subtract, and ``**`` is written ``^``.
* :func:`tokenise` cuts the plain text into numbers (``2``, ``0.5``, ``.5``, ``1e-3``), names
  (letters, digits and ``_``, not starting with a digit) and the operators the grammar allows.
  Any other character is refused, and then any name starting with ``_``, each with a short
  Chinese/English message.

Nothing here passes text to ``eval``, ``exec`` or ``sympify``. Pure Python: no numpy, no sympy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


class ExpressionError(ValueError):
    """A formula was rejected; ``str(error)`` is a short Chinese/English message for the student."""


#: Plain text (after normalising) may be at most this many times the parser's limit on typed text.
EXPANSION = 3

SUPERSCRIPTS = str.maketrans({"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5",
                              "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"})
#: Typed operator symbols and what they mean (applied after NFKC, in this order).
SYMBOLS = {"×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "−": "-", "–": "-", "**": "^"}

_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
_NUMBER = r"\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?"
_NAME = r"[^\W\d]\w*"


@dataclass(frozen=True)
class Token:
    """A piece of a formula: ``kind`` is "number", "name" or "op" (a grammar may add its own kinds)."""

    kind: str
    text: str


def too_long(max_length: int) -> str:
    return f"输入太长（longer than {max_length} characters）"


def normalise(text, max_length: int, error: type[ExpressionError] = ExpressionError) -> str:
    """Return typed text in plain operator syntax, or raise ``error`` for non-text or text over ``max_length``."""
    if not isinstance(text, str):
        raise error("请输入文本（expected text）")
    if len(text) > max_length:
        raise error(too_long(max_length))
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^(" + m.group(0).translate(SUPERSCRIPTS) + ")", text)
    text = unicodedata.normalize("NFKC", text)
    for old, new in SYMBOLS.items():
        text = text.replace(old, new)
    return text


def tokenise(text: str, operators: str, max_length: int,
             error: type[ExpressionError] = ExpressionError) -> list[Token]:
    """Return the tokens of plain text; ``operators`` are the one-character operators the grammar allows.

    Raises ``error`` when the plain text is over ``EXPANSION`` times ``max_length``, at the first
    character that is not part of a number, a name or an allowed operator, or (once every
    character is known) for a name starting with ``_``.
    """
    if len(text) > EXPANSION * max_length:
        raise error(too_long(max_length))
    pattern = _token_pattern(operators)
    tokens, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = pattern.match(text, pos)
        if match is None:
            bad = text[pos:].lstrip()[:1]
            raise error(f"不能识别的字符 {bad!r}（unexpected character）")
        kind = match.lastgroup
        tokens.append(Token(kind, match.group(kind)))
        pos = match.end()
    for token in tokens:
        if token.kind == "name" and token.text.startswith("_"):
            raise error(f"未知的名称 {token.text!r}（unknown name）")
    return tokens


_PATTERNS: dict[str, re.Pattern] = {}


def _token_pattern(operators: str) -> re.Pattern:
    if operators not in _PATTERNS:
        ops = "".join(re.escape(op) for op in operators)
        _PATTERNS[operators] = re.compile(rf"\s*(?:(?P<number>{_NUMBER})|(?P<name>{_NAME})|(?P<op>[{ops}]))")
    return _PATTERNS[operators]
