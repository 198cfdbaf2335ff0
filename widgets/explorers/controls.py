"""Controls the standard ipywidgets do not have."""

from __future__ import annotations

import ipywidgets as W
import traitlets


#: Width of a slider with its description and readout: a track of about 300 px, to move precisely.
SLIDER_WIDTH = "480px"


def wide() -> W.Layout:
    """Return the layout of a slider wide enough to move precisely on a projector."""
    return W.Layout(width=SLIDER_WIDTH)


class SignedLogSlider(W.HBox):
    """A slider for a step h of either sign on a log scale; ``value`` is h itself.

    A log slider sets |h| and a toggle sets the sign. Values the slider cannot show
    (h = 0, or |h| outside its range) are kept in ``value`` as set, so an explorer can
    explain them instead of silently clamping.
    """

    value = traitlets.Float(1.0)

    def __init__(self, value: float = 1.0, min_exp: float = -3.0, max_exp: float = 0.5,
                 description: str = "h", step: float = 0.05, **kwargs):
        self._magnitude = W.FloatLogSlider(layout=wide(), value=max(abs(value), 10 ** min_exp), base=10, min=min_exp,
                                           max=max_exp, step=step, description=description,
                                           readout_format=".2e", continuous_update=True)
        self._sign = W.ToggleButtons(options=[("+", 1.0), ("−", -1.0)], value=1.0 if value >= 0 else -1.0,
                                     style={"button_width": "2.2em"}, tooltips=["h > 0", "h < 0"])
        super().__init__([self._magnitude, self._sign], **kwargs)
        self._syncing = False
        self.value = value
        self._magnitude.observe(self._from_children, names="value")
        self._sign.observe(self._from_children, names="value")
        self.observe(self._to_children, names="value")

    def _from_children(self, change) -> None:
        if not self._syncing:
            self._syncing = True
            try:
                self.value = self._sign.value * self._magnitude.value
            finally:
                self._syncing = False

    def _to_children(self, change) -> None:
        if self._syncing or change["new"] == 0:
            return
        self._syncing = True
        try:
            self._sign.value = 1.0 if change["new"] > 0 else -1.0
            self._magnitude.value = abs(change["new"])
        finally:
            self._syncing = False
