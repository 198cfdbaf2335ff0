"""Small seeded data sets for the chapter's motivating pictures (Fig. 5.1)."""

from __future__ import annotations

import numpy as np


def curve_fitting_data(n: int = 20, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return noisy observations (x, y) of a smooth curve on [-5, 5] for regression (Fig. 5.1a)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-5, 5, n))
    y = -np.sin(x / 5) + np.cos(x) + 0.2 * rng.standard_normal(n)
    return x, y


def fit_polynomial(x: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    """Return least-squares polynomial coefficients (highest power first), the gradient-zero solution of chapter 9."""
    return np.polynomial.polynomial.polyfit(x, y, degree)[::-1]


#: The mixture behind Fig. 5.1b: weights, means and covariances of three Gaussians in R^2.
MIXTURE = (
    np.array([0.4, 0.35, 0.25]),
    np.array([[-2.0, -1.0], [2.0, 1.5], [0.5, -2.5]]),
    np.array([[[1.0, 0.5], [0.5, 0.8]], [[0.7, -0.3], [-0.3, 1.0]], [[0.5, 0.0], [0.0, 0.3]]]),
)


def mixture_sample(n: int = 300, seed: int = 0) -> np.ndarray:
    """Return n points drawn from the three-component Gaussian mixture ``MIXTURE`` (Fig. 5.1b)."""
    weights, means, covariances = MIXTURE
    rng = np.random.default_rng(seed)
    component = rng.choice(len(weights), size=n, p=weights)
    return np.array([rng.multivariate_normal(means[k], covariances[k]) for k in component])


def mixture_density(points: np.ndarray) -> np.ndarray:
    """Return the density of ``MIXTURE`` at points of shape (..., 2)."""
    weights, means, covariances = MIXTURE
    points = np.asarray(points, dtype=np.float64)
    total = np.zeros(points.shape[:-1])
    for w, mu, sigma in zip(weights, means, covariances):
        d = points - mu
        inv = np.linalg.inv(sigma)
        mahalanobis = np.einsum("...i,ij,...j->...", d, inv, d)
        total += w * np.exp(-0.5 * mahalanobis) / (2 * np.pi * np.sqrt(np.linalg.det(sigma)))
    return total
