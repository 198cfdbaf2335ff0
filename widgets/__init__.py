"""Interactive companion to chapter 5 "Vector Calculus" of *Mathematics for Machine Learning*.

The package's folders are its layers; a module may import only from its own layer and those
listed for it (``tests/test_layers.py`` checks this):

* ``widgets.math``: numbers and formulas, numpy and sympy only, one module per book section
  (plus the shared numeric tools and the two safe formula parsers);
* ``widgets.plotting``: draws on a given matplotlib ``Axes`` and returns the artists (uses math);
* ``widgets.explorers``: wires ipywidgets controls to the plotting helpers, a figure updated in
  place (uses math and plotting);
* ``widgets.exercises``: answer boxes, the exercise bank and labelled results (uses math,
  ipywidgets and anywidget; never plotting or explorers).
"""

__version__ = "0.1.0"
