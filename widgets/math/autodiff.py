"""Automatic differentiation (book section 5.6): a small scalar engine in the style of micrograd.

* :class:`Value` is a number that remembers how it was computed: its operands and the local
  derivatives ∂v/∂operand, evaluated on the spot. Chaining operations records the
  computation graph (5.143) of Fig. 5.11.
* :meth:`Value.backward` is reverse mode (backpropagation, (5.144)-(5.145)): it starts from
  ∂f/∂f = 1 and sends adjoints ∂f/∂v back along the graph.
* :class:`Dual` is forward mode: a dual number v + v̇ε with ε² = 0 carries the derivative
  along with the value.
* :func:`trace` lists every node with its value, local derivatives, tangent and adjoint,
  in evaluation order and in backward order.
* :func:`from_sympy` builds the graph of a sympy expression (for instance a typed formula
  parsed by :func:`widgets.math.expressions.parse_expression`), computing shared subexpressions once.
* :func:`jacobian_forward`, :func:`jacobian_reverse` and :func:`operation_counts` count the
  multiply-adds of both modes, for f: Rⁿ → R and f: R → Rᵐ.

Every operator of :class:`Value` has the same shape: compute the result, list the operands,
list the local derivatives, name the operation. Constants are folded into the operation
(``2 * a`` is one node with one parent), so graphs show variables only. Pure math: no
plotting here.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import sympy as sp

#: Creation counter: a node is always created after its operands, so sorting by it gives an evaluation order.
_creation = itertools.count()


def _data(x) -> float:
    """Return the number held by a Value, or the constant itself."""
    return x.data if isinstance(x, Value) else float(x)


def _real(y) -> float:
    """Return ``y`` as a float; a complex result (such as (-8) ** (1/3) in Python) is a domain error."""
    if isinstance(y, complex):
        raise ValueError("math domain error: the result is not a real number")
    return float(y)


def _sigmoid(a: float) -> float:
    """Return the logistic sigmoid 1 / (1 + exp(-a)) without overflow for large |a|."""
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    z = math.exp(a)
    return z / (1.0 + z)


class Value:
    """A scalar node of a computation graph: its value ``data``, how it was computed, and its adjoint ``grad``.

    ``args`` are the operands in the order of the formula (Values or constants), ``parents``
    the Values among them, and ``local_grads`` the local derivatives ∂self/∂parent, one per
    parent, evaluated when the node is created (5.129)-(5.134).
    """

    def __init__(self, data, args: Sequence = (), local_grads: Sequence[float] = (), op: str = "input",
                 name: str = ""):
        self.data = float(data)
        self.args = tuple(args)
        self.parents = tuple(a for a in self.args if isinstance(a, Value))
        self.local_grads = tuple(float(g) for a, g in zip(self.args, local_grads) if isinstance(a, Value))
        self.op = op
        self.name = name
        self.grad = 0.0
        self.order = next(_creation)

    def __repr__(self) -> str:
        label = f"{self.name}=" if self.name else ""
        return f"Value({label}{self.data:.6g}, grad={self.grad:.6g})"

    # -- arithmetic: every operator has the same shape ------------------------------------------
    def __add__(self, other) -> Value:
        return Value(self.data + _data(other), (self, other), (1.0, 1.0), "+")

    def __radd__(self, other) -> Value:
        return Value(_data(other) + self.data, (other, self), (1.0, 1.0), "+")

    def __sub__(self, other) -> Value:
        return Value(self.data - _data(other), (self, other), (1.0, -1.0), "-")

    def __rsub__(self, other) -> Value:
        return Value(_data(other) - self.data, (other, self), (1.0, -1.0), "-")

    def __mul__(self, other) -> Value:
        a, b = self.data, _data(other)
        return Value(a * b, (self, other), (b, a), "*")

    def __rmul__(self, other) -> Value:
        a, b = _data(other), self.data
        return Value(a * b, (other, self), (b, a), "*")

    def __truediv__(self, other) -> Value:
        a, b = self.data, _data(other)
        return Value(a / b, (self, other), (1.0 / b, -a / b ** 2), "/")

    def __rtruediv__(self, other) -> Value:
        a, b = _data(other), self.data
        return Value(a / b, (other, self), (1.0 / b, -a / b ** 2), "/")

    def __neg__(self) -> Value:
        return Value(-self.data, (self,), (-1.0,), "neg")

    def __pow__(self, other) -> Value:
        a, b = self.data, _data(other)
        y = _real(a ** b)
        dy_db = y * math.log(a) if isinstance(other, Value) else 0.0  # needed only when the exponent varies
        return Value(y, (self, other), (_real(b * a ** (b - 1)), dy_db), "^")

    def __rpow__(self, other) -> Value:
        a, b = _data(other), self.data
        y = _real(a ** b)
        return Value(y, (other, self), (0.0, y * math.log(a)), "^")

    # -- elementary functions ---------------------------------------------------------------
    def exp(self) -> Value:
        y = math.exp(self.data)
        return Value(y, (self,), (y,), "exp")

    def log(self) -> Value:
        return Value(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def sin(self) -> Value:
        return Value(math.sin(self.data), (self,), (math.cos(self.data),), "sin")

    def cos(self) -> Value:
        return Value(math.cos(self.data), (self,), (-math.sin(self.data),), "cos")

    def sqrt(self) -> Value:
        y = math.sqrt(self.data)
        return Value(y, (self,), (1.0 / (2.0 * y),), "sqrt")

    def tanh(self) -> Value:
        y = math.tanh(self.data)
        return Value(y, (self,), (1.0 - y * y,), "tanh")

    def sigmoid(self) -> Value:
        y = _sigmoid(self.data)
        return Value(y, (self,), (y * (1.0 - y),), "sigmoid")

    # -- reverse mode -------------------------------------------------------------------------
    def backward(self) -> None:
        """Reverse mode (5.144)-(5.145): set ``grad`` = ∂self/∂v for every node v this one depends on."""
        order = graph_nodes(self)
        for node in order:
            node.grad = 0.0  # start afresh, so a second call does not add to the first
        self.grad = 1.0  # (5.144)
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += node.grad * local  # (5.145): one term of the sum over the children


class Dual:
    """A dual number ``value + dot·ε`` with ε² = 0: forward mode carries dv/dx along with v (5.121)."""

    def __init__(self, value, dot=0.0):
        self.value = float(value)
        self.dot = float(dot)

    def __repr__(self) -> str:
        return f"Dual({self.value:.6g}, {self.dot:.6g})"

    def __add__(self, other) -> Dual:
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value + other.value, self.dot + other.dot)

    def __radd__(self, other) -> Dual:
        return self + other

    def __sub__(self, other) -> Dual:
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value - other.value, self.dot - other.dot)

    def __rsub__(self, other) -> Dual:
        return Dual(other) - self

    def __mul__(self, other) -> Dual:
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value * other.value, self.dot * other.value + self.value * other.dot)

    def __rmul__(self, other) -> Dual:
        return self * other

    def __truediv__(self, other) -> Dual:
        other = other if isinstance(other, Dual) else Dual(other)
        a, b = self.value, other.value
        return Dual(a / b, self.dot / b - a * other.dot / b ** 2)

    def __rtruediv__(self, other) -> Dual:
        return Dual(other) / self

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.dot)

    def __pow__(self, other) -> Dual:
        other = other if isinstance(other, Dual) else Dual(other)
        a, b = self.value, other.value
        y = _real(a ** b)
        dot = _real(b * a ** (b - 1)) * self.dot
        if other.dot != 0.0:  # the exponent varies too
            dot += y * math.log(a) * other.dot
        return Dual(y, dot)

    def __rpow__(self, other) -> Dual:
        return Dual(other) ** self

    def exp(self) -> Dual:
        y = math.exp(self.value)
        return Dual(y, y * self.dot)

    def log(self) -> Dual:
        return Dual(math.log(self.value), self.dot / self.value)

    def sin(self) -> Dual:
        return Dual(math.sin(self.value), math.cos(self.value) * self.dot)

    def cos(self) -> Dual:
        return Dual(math.cos(self.value), -math.sin(self.value) * self.dot)

    def sqrt(self) -> Dual:
        y = math.sqrt(self.value)
        return Dual(y, self.dot / (2.0 * y))

    def tanh(self) -> Dual:
        y = math.tanh(self.value)
        return Dual(y, (1.0 - y * y) * self.dot)

    def sigmoid(self) -> Dual:
        y = _sigmoid(self.value)
        return Dual(y, y * (1.0 - y) * self.dot)


# -- elementary functions for floats, numpy arrays, Values and Duals alike ---------------------
def _elementary(name: str, scalar: Callable, array: Callable) -> Callable:
    def apply(x):
        if isinstance(x, (Value, Dual)):
            return getattr(x, name)()
        if isinstance(x, np.ndarray):
            if x.dtype == object:  # an array of Values or Duals
                return np.vectorize(lambda v: apply(v), otypes=[object])(x)
            return array(x)
        return scalar(float(x))

    apply.__name__ = name
    apply.__doc__ = f"Return {name}(x) for a float, a numpy array, a Value or a Dual."
    return apply


exp = _elementary("exp", math.exp, np.exp)
log = _elementary("log", math.log, np.log)
sin = _elementary("sin", math.sin, np.sin)
cos = _elementary("cos", math.cos, np.cos)
sqrt = _elementary("sqrt", math.sqrt, np.sqrt)
tanh = _elementary("tanh", math.tanh, np.tanh)
sigmoid = _elementary("sigmoid", _sigmoid, lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)))


def derivative(f: Callable, x: float, mode: str = "reverse") -> float:
    """Return f'(x) for a Python function f built from engine operations, by reverse or forward mode."""
    if mode == "reverse":
        xv = Value(x, name="x")
        y = f(xv)
        if not isinstance(y, Value):  # f does not depend on x
            return 0.0
        y.backward()
        return xv.grad
    if mode == "forward":
        y = f(Dual(x, 1.0))
        return y.dot if isinstance(y, Dual) else 0.0
    raise ValueError(f"unknown mode {mode!r}: use 'reverse' or 'forward'")


# -- the graph ---------------------------------------------------------------------------------
def graph_nodes(*outputs: Value) -> list[Value]:
    """Return every node the outputs depend on, in evaluation order (operands before results)."""
    seen: dict[int, Value] = {}
    stack = list(outputs)
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(node.parents)
    return sorted(seen.values(), key=lambda v: v.order)


def edge_count(*outputs: Value) -> int:
    """Return the number of edges (operand → result) of the graph: one multiply-add each per sweep."""
    return sum(len(node.parents) for node in graph_nodes(*outputs))


def forward_sweep(order: Sequence[Value], seed: Mapping[Value, float]) -> tuple[dict, int]:
    """Forward mode on a recorded graph: return (tangent of every node, multiply-adds performed).

    ``seed`` gives the tangents of the inputs (1 for the input we differentiate by).
    """
    tangent: dict[Value, float] = {}
    ops = 0
    for node in order:
        if not node.parents:
            tangent[node] = float(seed.get(node, 0.0))
            continue
        tangent[node] = sum(local * tangent[p] for p, local in zip(node.parents, node.local_grads))
        ops += len(node.parents)
    return tangent, ops


def reverse_sweep(order: Sequence[Value], seed: Mapping[Value, float]) -> tuple[dict, int]:
    """Reverse mode on a recorded graph: return (adjoint of every node, multiply-adds performed).

    ``seed`` gives the adjoints of the outputs (1 for the output we differentiate).
    """
    adjoint = {node: float(seed.get(node, 0.0)) for node in order}
    ops = 0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            adjoint[parent] += adjoint[node] * local  # (5.145)
            ops += 1
    return adjoint, ops


def jacobian_forward(outputs: Sequence[Value], inputs: Sequence[Value]) -> tuple[np.ndarray, int]:
    """Return (the m×n Jacobian, multiply-adds) by forward mode: one sweep per input (a column each)."""
    order = graph_nodes(*outputs, *inputs)
    J = np.zeros((len(outputs), len(inputs)))
    ops = 0
    for j, x in enumerate(inputs):
        tangent, count = forward_sweep(order, {x: 1.0})
        J[:, j] = [tangent[y] for y in outputs]
        ops += count
    return J, ops


def jacobian_reverse(outputs: Sequence[Value], inputs: Sequence[Value]) -> tuple[np.ndarray, int]:
    """Return (the m×n Jacobian, multiply-adds) by reverse mode: one sweep per output (a row each)."""
    order = graph_nodes(*outputs, *inputs)
    J = np.zeros((len(outputs), len(inputs)))
    ops = 0
    for i, y in enumerate(outputs):
        adjoint, count = reverse_sweep(order, {y: 1.0})
        J[i, :] = [adjoint[x] for x in inputs]
        ops += count
    return J, ops


def operation_counts(inputs: Sequence[Value], outputs: Sequence[Value]) -> dict[str, int]:
    """Return the multiply-adds of the full Jacobian by forward and by reverse mode, and the graph's size.

    Keys: ``"forward"`` (n sweeps), ``"reverse"`` (m sweeps), ``"edges"`` (per sweep) and
    ``"operations"`` (nodes evaluated to compute f itself).
    """
    _, forward = jacobian_forward(outputs, inputs)
    _, reverse = jacobian_reverse(outputs, inputs)
    nodes = graph_nodes(*outputs, *inputs)
    return {"forward": forward, "reverse": reverse, "edges": edge_count(*outputs, *inputs),
            "operations": sum(1 for node in nodes if node.parents)}


def many_to_one(n: int) -> tuple[list[Value], list[Value]]:
    """Return (inputs, [f]) for f: Rⁿ → R, f(x) = x₁² + … + xₙ² (a squared loss); 3n − 2 edges."""
    if n < 1:
        raise ValueError("n must be >= 1")
    inputs = [Value(0.1 * (i + 1), name=f"x{i + 1}") for i in range(n)]
    f = functools.reduce(operator.add, [x ** 2 for x in inputs])
    return inputs, [f]


def one_to_many(m: int) -> tuple[list[Value], list[Value]]:
    """Return ([x], outputs) for f: R → Rᵐ, f_j(x) = sin(j·x), j = 1..m; 2m edges."""
    if m < 1:
        raise ValueError("m must be >= 1")
    x = Value(0.3, name="x")
    return [x], [sin(j * x) for j in range(1, m + 1)]


# -- the trace ---------------------------------------------------------------------------------
#: Right-hand sides of the nodes, as mathtext templates over the operand texts.
_FORMULAS = {
    "+": "{0} + {1}", "-": "{0} - {1}", "*": r"{0} \cdot {1}", "/": "{0} / {1}", "^": "{0}^{{{1}}}",
    "neg": "-{0}", "exp": r"\exp({0})", "log": r"\log({0})", "sin": r"\sin({0})", "cos": r"\cos({0})",
    "sqrt": r"\sqrt{{{0}}}", "tanh": r"\tanh({0})", "sigmoid": r"\sigma({0})",
}
#: Local derivatives ∂v/∂(operand k) as LaTeX over the operand texts (5.129)-(5.134).
_LOCAL = {
    "+": ("1", "1"), "-": ("1", "-1"), "*": ("{1}", "{0}"), "/": (r"\frac{{1}}{{{1}}}", r"-\frac{{{0}}}{{{1}^2}}"),
    "^": (None, r"{0}^{{{1}}} \log {0}"), "neg": ("-1",), "exp": (r"\exp({0})",), "log": (r"\frac{{1}}{{{0}}}",),
    "sin": (r"\cos({0})",), "cos": (r"-\sin({0})",), "sqrt": (r"\frac{{1}}{{2\sqrt{{{0}}}}}",),
    "tanh": (r"1 - \tanh^2({0})",), "sigmoid": (r"\sigma({0})\,(1 - \sigma({0}))",),
}
_NAMES = list("abcdeghijklmnopqrstuvw")  # f is kept for the output


def _number_text(c: float) -> str:
    """Return a short text for a constant: 2, 0.5, 3.142."""
    c = float(c)
    if c == int(c) and abs(c) < 1e15:
        return str(int(c))
    return f"{c:.4g}"


def _operand_texts(node: Value, names: Mapping[int, str]) -> list[str]:
    texts = []
    for a in node.args:
        if isinstance(a, Value):
            texts.append(names[id(a)])
        else:
            text = _number_text(a)
            texts.append(f"({text})" if a < 0 and node.op != "^" else text)
    return texts


def name_nodes(*outputs: Value, output_name: str = "f") -> list[Value]:
    """Give unnamed nodes the names a, b, c, … in evaluation order and an unnamed output ``f``; return the nodes.

    Names already used by inputs are skipped; past 21 intermediates the names are v_{k}.
    """
    order = graph_nodes(*outputs)
    taken = {node.name for node in order if node.name}
    letters = iter([c for c in _NAMES if c not in taken and c != output_name])
    count = itertools.count(1)
    for node in order:
        if node.name:
            continue
        if node.op == "const":
            node.name = _number_text(node.data)
        elif len(outputs) == 1 and node is outputs[0] and output_name not in taken:
            node.name = output_name
        else:
            node.name = next(letters, None) or f"v_{{{next(count)}}}"
    return order


@dataclass(frozen=True)
class TraceRow:
    """One node of a trace: what it computes, its value, local derivatives, tangent and adjoint."""

    index: int  #: position in evaluation order
    name: str  #: e.g. "c"
    op: str  #: "input", "const", "+", "exp", …
    formula: str  #: right-hand side in mathtext, e.g. r"\exp(a)" ("" for inputs)
    parents: tuple[int, ...]  #: indices of the operand nodes
    value: float  #: forward value (5.123)-(5.128)
    local_derivatives: tuple[float, ...]  #: ∂node/∂parent, one per parent (5.129)-(5.134)
    local_formulas: tuple[str, ...]  #: the same in LaTeX, e.g. (r"\exp(a)",)
    tangent: float  #: forward mode: d node / d input
    adjoint: float  #: reverse mode: ∂f/∂node (5.135)-(5.142)


class Trace:
    """All nodes of one computation graph at one point: evaluation order, backward order, and the step walk.

    The walk has 2N + 1 steps for N nodes: step 0 computes nothing; steps 1..N evaluate the
    nodes in evaluation order (forward pass); steps N+1..2N set the adjoints in backward order.
    """

    def __init__(self, rows: list[TraceRow], wrt: int | None = None):
        self.rows = rows
        self.output = rows[-1].name
        self.wrt = wrt  #: index of the input the tangents are taken with respect to
        self.children: list[list[int]] = [[] for _ in rows]
        for row in rows:
            for p in row.parents:
                if row.index not in self.children[p]:
                    self.children[p].append(row.index)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def backward_rows(self) -> list[TraceRow]:
        """The rows in backward order: output first, inputs last."""
        return self.rows[::-1]

    @property
    def value(self) -> float:
        """The function value f (the output node)."""
        return self.rows[-1].value

    @property
    def derivative(self) -> float:
        """df/d(input) by reverse mode: the adjoint of the input node (0 if f does not depend on it)."""
        return self.rows[self.wrt].adjoint if self.wrt is not None else 0.0

    @property
    def forward_derivative(self) -> float:
        """df/d(input) by forward mode: the tangent of the output node."""
        return self.rows[-1].tangent

    @property
    def steps(self) -> int:
        """The last step of the walk, 2N."""
        return 2 * len(self.rows)

    def state(self, step: int) -> dict:
        """Return the walk at ``step``: phase, current node, and which values and adjoints are known."""
        n = len(self.rows)
        step = max(0, min(int(step), 2 * n))
        if step == 0:
            return {"phase": "start", "current": None, "values": 0, "adjoints": set()}
        if step <= n:
            return {"phase": "forward", "current": step - 1, "values": step, "adjoints": set()}
        k = step - n
        return {"phase": "backward", "current": n - k, "values": n, "adjoints": set(range(n - k, n))}

    def describe(self, step: int) -> str:
        """Return the current step as LaTeX: the assignment and its local derivatives (forward pass),
        or the sum (5.145) with the local derivatives written out, as in (5.139)-(5.142) (backward pass)."""
        state = self.state(step)
        if state["phase"] == "start":
            return r"\text{start: nothing computed yet}"
        row = self.rows[state["current"]]
        if state["phase"] == "forward":
            if row.op in ("input", "const"):
                return f"{row.name} = {_fmt(row.value)}"
            args = ", ".join(f"{self.rows[p].name} = {_fmt(self.rows[p].value)}" for p in row.parents)
            local = ", ".join(rf"\frac{{\partial {row.name}}}{{\partial {self.rows[p].name}}} = {formula} = {_fmt(d)}"
                              for p, formula, d in zip(row.parents, row.local_formulas, row.local_derivatives))
            return f"{row.name} = {row.formula} = {_fmt(row.value)} \\quad ({args}); \\quad {local}"
        f = self.output
        if row.index == len(self.rows) - 1:
            return rf"\frac{{\partial {f}}}{{\partial {f}}} = 1 \quad (5.144)"
        terms, symbolic, numbers = [], [], []
        for c in self.children[row.index]:
            child = self.rows[c]
            occurrences = [k for k, p in enumerate(child.parents) if p == row.index]  # x·x uses x twice
            local = sum(child.local_derivatives[k] for k in occurrences)
            formula = " + ".join(child.local_formulas[k] for k in occurrences)
            adjoint = rf"\frac{{\partial {f}}}{{\partial {child.name}}}"
            terms.append(rf"{adjoint}\frac{{\partial {child.name}}}{{\partial {row.name}}}")
            symbolic.append(rf"{adjoint}\left({formula}\right)")
            numbers.append(rf"{_fmt(child.adjoint)} \cdot {_fmt(local)}")
        if not terms:
            return rf"\frac{{\partial {f}}}{{\partial {row.name}}} = 0"
        return (rf"\frac{{\partial {f}}}{{\partial {row.name}}} = " + " + ".join(terms) + " = "
                + " + ".join(symbolic) + " = " + " + ".join(numbers) + f" = {_fmt(row.adjoint)}")

    def table(self, backward: bool = False) -> str:
        """Return the trace as a fixed-width text table (evaluation order, or backward order)."""
        header = f"{'node':>5} {'formula':>16} {'value':>11} {'local derivatives':>24} {'tangent':>11} {'adjoint':>11}"
        lines = [header]
        for row in (self.backward_rows if backward else self.rows):
            formula = _plain(row.formula) if row.formula else row.op
            local = ", ".join(f"{_fmt(d)}" for d in row.local_derivatives) or "-"
            lines.append(f"{row.name:>5} {formula:>16} {row.value:>11.6f} {local:>24} {row.tangent:>11.6f} "
                         f"{row.adjoint:>11.6f}")
        return "\n".join(lines)


def _fmt(v: float) -> str:
    """Return a number with 4 significant digits for traces and readouts."""
    return f"{v:.4g}"


def _plain(mathtext: str) -> str:
    """Return a mathtext formula as plain text: \\exp(a) -> exp(a), \\sqrt{c} -> sqrt(c)."""
    text = re.sub(r"_\{(\w+)\}", r"_\1", mathtext)
    text = text.replace(r"\cdot", "*").replace(r"\sqrt{", "sqrt(").replace(r"\sigma", "sigmoid")
    text = re.sub(r"\^\{(\w+)\}", r"^\1", text)
    text = text.replace("^{", "^(").replace("{", "(").replace("}", ")").replace("\\", "")
    return text


def _local_formula(node: Value, k: int, texts: list[str]) -> str:
    """Return ∂node/∂(k-th Value operand) in LaTeX (5.129)-(5.134)."""
    positions = [i for i, a in enumerate(node.args) if isinstance(a, Value)]
    position = positions[k]
    if node.op == "^" and position == 0:
        b = node.args[1]
        if isinstance(b, Value):
            return f"{texts[1]} {texts[0]}^{{{texts[1]} - 1}}"
        if b - 1 == 1:
            return f"{_number_text(b)}{texts[0]}"
        return f"{_number_text(b)} {texts[0]}^{{{_number_text(b - 1)}}}"
    return _LOCAL[node.op][position].format(*texts)


def trace(output: Value, wrt: Value | None = None) -> Trace:
    """Run both modes on the graph of ``output`` and return its :class:`Trace`.

    Reverse mode fills the adjoints (``output.backward()``); forward mode the tangents
    d v/d wrt, where ``wrt`` defaults to the first input of the graph.
    """
    order = name_nodes(output)
    output.backward()
    inputs = [node for node in order if node.op == "input"]
    wrt = wrt if wrt is not None else (inputs[0] if inputs else None)
    tangent, _ = forward_sweep(order, {wrt: 1.0} if wrt is not None else {})
    names = {id(node): node.name for node in order}
    index = {id(node): i for i, node in enumerate(order)}
    rows = []
    for i, node in enumerate(order):
        texts = _operand_texts(node, names)
        formula = _FORMULAS[node.op].format(*texts) if node.op in _FORMULAS else ""
        local_formulas = tuple(_local_formula(node, k, texts) for k in range(len(node.parents)))
        rows.append(TraceRow(i, node.name, node.op, formula, tuple(index[id(p)] for p in node.parents),
                             node.data, node.local_grads, local_formulas, tangent[node], node.grad))
    position = next((i for i, node in enumerate(order) if node is wrt), None)
    return Trace(rows, position)


# -- sympy expressions --------------------------------------------------------------------------
class UnsupportedExpression(ValueError):
    """A sympy expression uses an operation the engine does not have."""


#: sympy function classes the engine knows, by name of the engine function.
_SYMPY_FUNCTIONS = {sp.exp: exp, sp.log: log, sp.sin: sin, sp.cos: cos, sp.tanh: tanh}


def _constant(e: sp.Expr) -> float:
    value = complex(e.evalf())
    if value.imag != 0 or not math.isfinite(value.real):
        raise ValueError(f"constant {e} is not a finite real number")
    return value.real


def evaluate_expression(expr: sp.Expr, inputs: Mapping[sp.Symbol, object]):
    """Evaluate a sympy expression with engine operations on floats, Values or Duals.

    Each distinct subexpression is computed once (so x² in (5.109) is one node, as in
    Example 5.14); sums and products are read in sympy's printed order, ``a - b`` and
    ``a / b`` become one subtraction and one division.
    """
    memo: dict[sp.Expr, object] = {}
    unknown = expr.free_symbols - set(inputs)
    if unknown:
        raise ValueError(f"no value given for {sorted(s.name for s in unknown)}")

    def build(e: sp.Expr):
        if e in memo:
            return memo[e]
        if e in inputs:
            result = inputs[e]
        elif e.is_number:
            result = _constant(e)
        elif isinstance(e, sp.Add):
            terms = e.as_ordered_terms()
            result = build(terms[0])
            for t in terms[1:]:
                result = result - build(-t) if t.could_extract_minus_sign() else result + build(t)
        elif isinstance(e, sp.Mul):
            result = build_product(e)
        elif isinstance(e, sp.Pow):
            result = build_power(*e.args)
        elif type(e) in _SYMPY_FUNCTIONS and len(e.args) == 1:
            result = _SYMPY_FUNCTIONS[type(e)](build(e.args[0]))
        else:
            name = type(e).__name__
            raise UnsupportedExpression(f"不支持的运算 {name}；可用：+ − × ÷ ^ exp log sin cos sqrt tanh"
                                        f"（unsupported operation {name}）")
        memo[e] = result
        return result

    def build_product(e: sp.Mul):
        coeff, rest = e.as_coeff_Mul()
        factors = rest.as_ordered_factors() if isinstance(rest, sp.Mul) else [rest]
        numerator, denominator = [], []
        for factor in factors:
            if isinstance(factor, sp.Pow) and factor.exp.is_number and factor.exp.is_negative:
                denominator.append(factor.base ** -factor.exp)
            else:
                numerator.append(factor)
        num = functools.reduce(operator.mul, [build(n) for n in numerator]) if numerator else None
        den = functools.reduce(operator.mul, [build(d) for d in denominator]) if denominator else None
        if num is None:  # c / den
            return _constant(coeff) / den
        result = num
        if den is not None:
            result = result / den
        if coeff == 1:
            return result
        if coeff == -1:
            return -result
        if coeff.is_Rational and abs(coeff.p) == 1:  # x/2 reads better than 0.5·x
            result = result / float(abs(coeff.q))
            return -result if coeff.p < 0 else result
        return _constant(coeff) * result

    def build_power(base: sp.Expr, exponent: sp.Expr):
        if exponent.is_number:
            if exponent == sp.Rational(1, 2):
                return sqrt(build(base))
            if exponent == -1:
                return 1.0 / build(base)
            if exponent == -sp.Rational(1, 2):
                return 1.0 / sqrt(build(base))
            return build(base) ** _constant(exponent)
        if base.is_number:
            return _constant(base) ** build(exponent)
        return build(base) ** build(exponent)

    return build(expr)


def from_sympy(expr: sp.Expr, point: Mapping[sp.Symbol, float] | float, output_name: str = "f") -> Value:
    """Return the output node of the computation graph of ``expr`` at ``point`` (Fig. 5.11), nodes named.

    ``point`` maps each symbol to its value; a single number is accepted for an expression
    in one variable. Inputs carry their symbols' names, intermediate nodes a, b, c, … in
    evaluation order, the output ``f``.
    """
    if not isinstance(point, Mapping):
        symbols = sorted(expr.free_symbols, key=lambda s: s.name) or [sp.Symbol("x")]
        if len(symbols) != 1:
            raise ValueError(f"expected one variable, got {symbols}")
        point = {symbols[0]: point}
    inputs = {symbol: Value(value, name=symbol.name) for symbol, value in point.items()}
    out = evaluate_expression(expr, inputs)
    if not isinstance(out, Value):  # a constant function
        out = Value(out, op="const")
    name_nodes(out, output_name=output_name)
    return out


# -- the book's examples ------------------------------------------------------------------------
def example_5_14(x):
    """Return f(x) of Example 5.14 (5.122) computed through a, b, c, d, e (5.123)-(5.128); any number type."""
    a = x ** 2
    b = exp(a)
    c = a + b
    d = sqrt(c)
    e = cos(c)
    f = d + e
    return f


def example_5_14_derivative(x: float) -> float:
    """Return df/dx of (5.109) in the book's closed form (5.110)."""
    u = x ** 2 + math.exp(x ** 2)
    return 2 * x * (1 / (2 * math.sqrt(u)) - math.sin(u)) * (1 + math.exp(x ** 2))


def nested_example(k: int, x: sp.Symbol | None = None) -> sp.Expr:
    """Return g applied k times to x, where g(u) = √(u² + exp(u²)) + cos(u² + exp(u²)) is (5.109)."""
    x = x if x is not None else sp.Symbol("x", real=True)
    g = x
    for _ in range(k):
        g = sp.sqrt(g ** 2 + sp.exp(g ** 2)) + sp.cos(g ** 2 + sp.exp(g ** 2))
    return g


def shared_operation_count(expr: sp.Expr) -> int:
    """Return sympy's operation count of ``expr`` when every repeated subexpression is computed once (sp.cse)."""
    replacements, reduced = sp.cse(expr)
    return int(sum(sp.count_ops(e) for _, e in replacements) + sum(sp.count_ops(e) for e in reduced))


# -- a small network (section 5.6.1) -----------------------------------------------------------
def random_network(sizes: Sequence[int], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Return parameters {"A0", "b0", "A1", "b1", …} of a network with layer widths ``sizes`` (5.113)."""
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"A{i}"] = rng.normal(size=(n_out, n_in))
        params[f"b{i}"] = rng.normal(size=n_out)
    return params


def _layers(params: Mapping[str, np.ndarray]) -> int:
    return sum(1 for name in params if name.startswith("A"))


def network_forward(params: Mapping[str, np.ndarray], x) -> list[np.ndarray]:
    """Return [f0, f1, …, fK]: f0 = x (5.112), fi = σ(A_{i-1} f_{i-1} + b_{i-1}) (5.113), σ the sigmoid."""
    outputs = [np.asarray(x, dtype=np.float64)]
    for i in range(_layers(params)):
        outputs.append(sigmoid(params[f"A{i}"] @ outputs[-1] + params[f"b{i}"]))
    return outputs


def network_loss(params: Mapping[str, np.ndarray], x, y) -> float:
    """Return the squared loss L = ‖y − f_K‖² (5.114)."""
    return float(np.sum((np.asarray(y) - network_forward(params, x)[-1]) ** 2))


def network_backprop(params: Mapping[str, np.ndarray], x, y) -> dict[str, np.ndarray]:
    """Return ∂L/∂A_i and ∂L/∂b_i (shaped like A_i, b_i) by the chain rule (5.115)-(5.118), layer by layer."""
    f = network_forward(params, x)
    K = _layers(params)
    grads = {}
    dL_df = -2.0 * (np.asarray(y) - f[K])  # ∂L/∂f_K, a row vector
    for i in range(K - 1, -1, -1):
        dL_dz = dL_df * f[i + 1] * (1.0 - f[i + 1])  # through σ: σ' = σ(1 − σ)
        grads[f"A{i}"] = np.outer(dL_dz, f[i])  # ∂z/∂A_i: row r of A_i meets f_i
        grads[f"b{i}"] = dL_dz
        dL_df = dL_dz @ params[f"A{i}"]  # ∂L/∂f_i = ∂L/∂z · A_i, reused by the next layer down
    return {name: grads[name] for name in params}


def network_graph(params: Mapping[str, np.ndarray], x, y) -> tuple[Value, dict[str, np.ndarray]]:
    """Return (L as a Value, {name: array of parameter Values}) so that ``L.backward()`` fills every grad."""
    values = {name: np.array([Value(v, name=f"{name}[{i}]") for i, v in enumerate(array.ravel())],
                             dtype=object).reshape(array.shape)
              for name, array in params.items()}
    f = [float(v) for v in np.asarray(x, dtype=np.float64)]
    for i in range(_layers(params)):
        A, b = values[f"A{i}"], values[f"b{i}"]
        f = [sigmoid(functools.reduce(operator.add, [A[r, c] * f[c] for c in range(len(f))]) + b[r])
             for r in range(A.shape[0])]
    L = functools.reduce(operator.add, [(float(t) - fk) ** 2 for t, fk in zip(np.asarray(y, dtype=np.float64), f)])
    return L, values


def network_engine_gradients(params: Mapping[str, np.ndarray], x, y) -> dict[str, np.ndarray]:
    """Return ∂L/∂A_i and ∂L/∂b_i computed by the engine's reverse mode."""
    L, values = network_graph(params, x, y)
    L.backward()
    return {name: np.vectorize(lambda v: v.grad, otypes=[float])(array) for name, array in values.items()}
