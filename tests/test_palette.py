"""The house palette stays readable for colour-blind readers and on a washed-out projector.

Colour vision deficiency is simulated with the matrices of Machado, Oliveira & Fernandes (2009, severity
1.0, in linear RGB); colour difference is CIEDE2000 (Sharma, Wu & Dalal 2005). Every pair of line colours
must stay at least MIN_DELTA_E apart for normal, deuteranope, protanope and tritanope vision, and at least
MIN_DELTA_E_WASHED apart when a projector mixes 30 % white into every colour.
"""

from __future__ import annotations

import itertools

import matplotlib.colors as mcolors
import numpy as np
import pytest

from widgets import plotting as wp

#: A difference of 10 is obvious at a glance between two lines side by side (2 is a just noticeable one).
MIN_DELTA_E = 10.0
MIN_DELTA_E_WASHED = 7.0
LINE_COLORS = ("function", "secant", "tangent", "taylor", "error", "point")

MACHADO = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def to_linear(c):
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def to_srgb(c):
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(rgb, vision: str | None):
    return np.asarray(rgb, dtype=float) if vision is None else to_srgb(MACHADO[vision] @ to_linear(rgb))


def lab(rgb):
    xyz = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]]) @ to_linear(rgb) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2) -> float:
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    mean_c = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(mean_c ** 7 / (mean_c ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_big_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    mean_l, mean_cp = (L1 + L2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        mean_h = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        mean_h = (h1p + h2p) / 2
    else:
        mean_h = (h1p + h2p + (360 if h1p + h2p < 360 else -360)) / 2
    t = (1 - 0.17 * np.cos(np.radians(mean_h - 30)) + 0.24 * np.cos(np.radians(2 * mean_h))
         + 0.32 * np.cos(np.radians(3 * mean_h + 6)) - 0.20 * np.cos(np.radians(4 * mean_h - 63)))
    rotation = -np.sin(np.radians(60 * np.exp(-(((mean_h - 275) / 25) ** 2)))) * 2 * np.sqrt(
        mean_cp ** 7 / (mean_cp ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (mean_l - 50) ** 2 / np.sqrt(20 + (mean_l - 50) ** 2)
    sc, sh = 1 + 0.045 * mean_cp, 1 + 0.015 * mean_cp * t
    dl, dc = (L2 - L1) / sl, (c2p - c1p) / sc
    return float(np.sqrt(dl ** 2 + dc ** 2 + (d_big_h / sh) ** 2 + rotation * dc * (d_big_h / sh)))


def difference(color1, color2, vision=None, washed=0.0) -> float:
    rgb1, rgb2 = (np.array(mcolors.to_rgb(c)) * (1 - washed) + washed for c in (color1, color2))
    return ciede2000(lab(simulate(rgb1, vision)), lab(simulate(rgb2, vision)))


@pytest.mark.parametrize("lab1, lab2, expected", [
    # pairs 1, 7 and 17 of Sharma, Wu & Dalal's CIEDE2000 test data
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
])
def test_the_colour_difference_is_ciede2000(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_merges_a_red_green_pair():
    # The check can fail: a classic red/green pair is far apart for normal vision, close for deuteranopes.
    assert difference("#D62728", "#2CA02C") > 60
    assert difference("#D62728", "#2CA02C", "deuteranopia") < MIN_DELTA_E
    np.testing.assert_allclose(simulate([1.0, 1.0, 1.0], "protanopia"), 1.0, atol=1e-3)  # white stays white


@pytest.mark.parametrize("vision", [None, "deuteranopia", "protanopia", "tritanopia"])
def test_line_colours_stay_apart(vision):
    worst = min((difference(wp.COLORS[a], wp.COLORS[b], vision), a, b)
                for a, b in itertools.combinations(LINE_COLORS, 2))
    assert worst[0] >= MIN_DELTA_E, worst


@pytest.mark.parametrize("vision", [None, "deuteranopia", "protanopia"])
def test_line_colours_stay_apart_on_a_washed_out_projector(vision):
    worst = min((difference(wp.COLORS[a], wp.COLORS[b], vision, washed=0.3), a, b)
                for a, b in itertools.combinations(LINE_COLORS, 2))
    assert worst[0] >= MIN_DELTA_E_WASHED, worst


def test_every_line_role_has_its_own_style():
    styles = [str(wp.LINESTYLES[k]) for k in ("function", "secant", "tangent", "taylor", "error")]
    assert len(set(styles)) == len(styles), styles
