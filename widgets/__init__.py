"""Interactive companion to chapter 5 "Vector Calculus" of *Mathematics for Machine Learning*.

The package has three layers, and a lower layer never imports an upper one:

* math (``widgets.calculus``, ``widgets.expressions``, ...): numpy and sympy only;
* ``widgets.plotting``: draws on a given matplotlib ``Axes`` and returns the artists;
* ``widgets.explorers``: wires ipywidgets controls to the plotting helpers.
"""

__version__ = "0.1.0"
