"""Plotting helpers: draw on a given ``Axes``, return the artists, never create widgets.

``draw_*`` creates artists and ``update_*`` moves them in place.
"""

from widgets.plotting.style import (
    COLORS,
    CJK_FONT,
    StaticFigure,
    apply_house_style,
    cjk_font_available,
    house_rc,
    house_style,
    static_figure,
)
from widgets.plotting.univariate import (
    draw_axes_lines,
    draw_difference_error,
    draw_secant,
    draw_taylor,
    draw_taylor_family,
    update_difference_error,
    update_secant,
    update_taylor,
)
