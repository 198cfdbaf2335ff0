"""The math layer: numpy and sympy only (no matplotlib, no widgets).

Each module serves one or two book sections and is named like the plotting and explorer
modules of the same section:

* ``numeric``: tools used by many sections: central-difference Jacobians, gradients and
  Hessians, ``relative_error``, ``gradient_check``, ``lambdify_array``, ``exact_number``;
* ``univariate`` (5.1): difference quotients, the best step, Taylor polynomials and Taylor
  arithmetic (``taylor_jet``, ``TaylorModel``);
* ``gradients`` (5.2-5.3): partial derivatives, gradients, Jacobians, the chain rule and the
  least-squares example;
* ``matrices`` (5.4): gradients of matrices, the tensor and Jacobian views, the two layouts,
  Fig. 5.7 and Examples 5.12-5.13;
* ``identities`` (5.5): the gradient identities (5.99)-(5.108), checked numerically or exactly;
* ``matrix_rules`` (5.5): the differential-and-trace method (矩阵求导术): its rules and six examples;
* ``autodiff`` (5.6): a small reverse-mode automatic differentiation engine;
* ``surfaces`` (5.7-5.8): Hessians, derivative tensors, multivariate Taylor polynomials and
  critical points;
* ``datasets``: the small data sets of the figures;
* ``expressions`` and ``matrix_expressions``: the two safe parsers of typed formulas (scalar
  formulas, and matrix expressions such as ``2 xᵀ A``); no eval, exec or sympify on raw text;
* ``formula_text``: the front end both parsers share (normalising typed notation, tokens,
  length limits and messages).
"""
