"""Explorers: sliders wired to plotting helpers; each holds ``controls``, ``figure`` and ``update()``.

Use one per notebook cell; the explorer displays itself::

    from widgets.explorers import taylor_explorer
    taylor_explorer()
"""

from widgets.explorers.base import Explorer, ExplorerMessage
from widgets.explorers.controls import SignedLogSlider
from widgets.explorers.tasks import show_tasks

# Section 5.1
from widgets.explorers.univariate import (
    DifferenceErrorExplorer,
    SecantExplorer,
    TaylorExplorer,
    difference_error_explorer,
    secant_explorer,
    taylor_explorer,
)

# Sections 5.4 and 5.5
from widgets.explorers.matrices import (
    IdentityCheckExplorer,
    MatrixGradientExplorer,
    identity_check_explorer,
    matrix_gradient_explorer,
)

# Section 5.6
from widgets.explorers.autodiff import AutodiffExplorer, autodiff_explorer

# Sections 5.2 and 5.3
from widgets.explorers.gradients import (
    ChainRuleExplorer,
    GradientExplorer,
    JacobianExplorer,
    chain_rule_explorer,
    gradient_explorer,
    jacobian_explorer,
)

# Sections 5.7 and 5.8
from widgets.explorers.surfaces import (
    HessianExplorer,
    LinearizationExplorer,
    hessian_explorer,
    linearization_explorer,
)
