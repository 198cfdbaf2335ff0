"""Explorers: sliders wired to plotting helpers; each holds ``controls``, ``figure`` and ``update()``.

Use one per notebook cell; the explorer displays itself::

    from widgets.explorers import taylor_explorer
    taylor_explorer()
"""

from widgets.explorers.base import Explorer, ExplorerMessage
from widgets.explorers.controls import SignedLogSlider

# Section 5.1
from widgets.explorers.univariate import (
    DifferenceErrorExplorer,
    SecantExplorer,
    TaylorExplorer,
    difference_error_explorer,
    secant_explorer,
    taylor_explorer,
)
