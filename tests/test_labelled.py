"""widgets.exercises.labelled: every shown value carries its label; zero() ticks only what is zero."""

import numpy as np
import pytest
import sympy as sp

from widgets.exercises.labelled import check, is_zero, show, to_latex, zero

x = sp.Symbol("x")


def test_show_puts_each_label_before_its_typeset_value():
    shown = show("det J", sp.Integer(-3), "形状", (2, 2))
    assert shown._repr_markdown_() == r"det J = $-3$；形状 = $\left(2,\ 2\right)$"
    assert repr(shown) == "det J = -3；形状 = (2, 2)"


def test_zero_ticks_what_simplifies_to_zero_and_crosses_the_rest():
    assert repr(zero("差", sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1)) == "差 = 0 ✓"
    assert repr(zero("差", x - 1)).endswith("✗")
    assert repr(zero("差", sp.Matrix([[0, x - x]]))).endswith("✓")
    assert repr(zero("差", np.array([0.0, 1e-3]))).endswith("✗")


def test_is_zero_on_every_kind():
    assert is_zero(sp.Matrix([[0, 0]])) and is_zero(sp.Array([0, 0])) and is_zero(0.0) and is_zero(np.zeros(3))
    assert not is_zero(sp.Matrix([[0, 1]])) and not is_zero(x) and not is_zero(np.array([0, 2]))


def test_a_true_check_shows_a_tick_and_a_false_one_a_cross():
    assert repr(check("一致", True)) == "一致 ✓"
    assert repr(check("一致", np.bool_(False))) == "一致 ✗"
    assert repr(show("通过", True) + check("一致", False)) == "通过 ✓；一致 ✗"


def test_arrays_become_matrices_and_small_floats_powers_of_ten():
    assert to_latex(np.array([0.75, -0.25])) == r"\begin{bmatrix}0.75 & -0.25\end{bmatrix}"
    assert to_latex(np.eye(2)) == r"\begin{bmatrix}1 & 0\\0 & 1\end{bmatrix}"
    assert to_latex(3.04e-5) == r"3.04\times10^{-5}"
    with pytest.raises(ValueError):
        show("odd number of arguments")
    with pytest.raises(TypeError):
        to_latex(object())
