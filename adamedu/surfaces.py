"""Two-dimensional loss surfaces with analytic gradients and known minima.

Each surface is a `Surface`: a *problem* (it has `loss(theta)` and `grad(theta)`) that
also knows how to draw itself: `f(X, Y)` works on whole grids, and `xlim`, `ylim`,
`levels` and `start` give a plotting window, contour levels and a default start point.

    >>> s = get("rosenbrock")
    >>> s.loss([1.0, 1.0]), s.grad([1.0, 1.0])
    (0.0, array([0., 0.]))

Names in `SURFACES`: quadratic, rotated_quadratic, rosenbrock, beale, saddle, himmelblau.
"""
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from numpy.typing import ArrayLike

from adamedu import _check

__all__ = ["Surface", "quadratic", "rotated_quadratic", "rosenbrock", "beale", "saddle",
           "himmelblau", "get", "SURFACES"]


@dataclass(frozen=True, eq=False)
class Surface:
    """A 2-D loss surface f(theta_1, theta_2).

    `f(X, Y)` evaluates the loss elementwise on arrays (grids for contour plots);
    `df(x, y)` returns the analytic partial derivatives (df/dx, df/dy).
    `minima` is a k x 2 array of the global minima (k = 0 when there is none) and
    `min_loss` the loss there (None when there is no minimum).
    """
    name: str
    title: str
    f: Callable
    df: Callable
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: np.ndarray
    min_loss: float | None
    start: np.ndarray
    levels: np.ndarray

    def __post_init__(self) -> None:
        if not (callable(self.f) and callable(self.df)):
            raise ValueError(f"{self.name}: f and df must be functions of (x, y): the loss "
                             f"and its two partial derivatives")
        for name in ("xlim", "ylim"):
            window = _check.numbers(name, getattr(self, name))
            if window.shape != (2,) or not window[0] < window[1]:
                raise ValueError(f"{self.name}: {name}={getattr(self, name)!r} must be a "
                                 f"window (low, high) with low < high")
        for name in ("minima", "start", "levels"):      # read-only: surfaces are shared
            a = np.array(getattr(self, name), dtype=float)
            a.flags.writeable = False
            object.__setattr__(self, name, a)

    def _xy(self, theta):
        """theta's two coordinates as Python floats (the same IEEE arithmetic as numpy's
        float64 scalars, several times faster in the optimizers' inner loop)."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (2,):
            raise ValueError(f"{self.name}: theta must be a point (theta_1, theta_2) of shape "
                             f"(2,), got shape {theta.shape}; the surfaces are 2-D.")
        return theta.tolist()

    def _call(self, fn, theta):
        x, y = self._xy(theta)
        try:
            return fn(x, y)
        except OverflowError:  # Python's float ** raises where numpy gives inf
            with np.errstate(all="ignore"):
                return fn(np.float64(x), np.float64(y))

    def loss(self, theta: ArrayLike) -> float:
        """The loss at the point theta, a float."""
        return float(self._call(self.f, theta))

    def grad(self, theta: ArrayLike) -> np.ndarray:
        """The analytic gradient at theta, a new array of shape (2,)."""
        return np.array(self._call(self.df, theta), dtype=float)

    def __repr__(self) -> str:
        return f"<Surface {self.name}: {self.title}>"


def quadratic(kappa: float = 10.0, angle: float = 0.0) -> Surface:
    """f = (u**2 + kappa * w**2) / 2, a bowl whose curvatures are 1 and kappa.

    (u, w) are the coordinates rotated by `angle` degrees: u runs along the direction
    (cos angle, sin angle). The Hessian has eigenvalues 1 and kappa, so kappa is the
    condition number and gradient descent is stable only for lr < 2 / kappa.
    With angle != 0 the valley is not aligned with the axes (name "rotated_quadratic").
    """
    kappa = _check.number("kappa", kappa, 1.0,
                          why="it is the ratio of the largest to the smallest curvature")
    angle = _check.number("angle", angle)
    a = np.deg2rad(angle)
    c, s = float(np.cos(a)), float(np.sin(a))

    def f(x, y):
        u, w = c * x + s * y, -s * x + c * y
        return 0.5 * (u * u + kappa * w * w)

    def df(x, y):
        u, w = c * x + s * y, -s * x + c * y
        return (c * u - s * kappa * w, s * u + c * kappa * w)

    rotated = angle != 0
    title = (f"Rotated quadratic (κ = {kappa:g}, {angle:g}°)" if rotated
             else f"Quadratic (κ = {kappa:g})")
    return Surface(name="rotated_quadratic" if rotated else "quadratic", title=title,
                   f=f, df=df, xlim=(-5.0, 5.0), ylim=(-3.0, 3.0),
                   minima=np.zeros((1, 2)), min_loss=0.0, start=np.array([-4.5, 2.0]),
                   levels=np.geomspace(0.01, 100.0, 17))


def rotated_quadratic(kappa: float = 10.0, angle: float = 45.0) -> Surface:
    """The ill-conditioned quadratic with its valley turned by `angle` degrees."""
    return quadratic(kappa=kappa, angle=angle)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """f = (a - x)**2 + b (y - x**2)**2: a curved, flat-bottomed valley; minimum at (a, a**2)."""
    a = _check.number("a", a)
    b = _check.number("b", b, 0.0, why="it is the steepness of the valley walls", open_low=True)

    def f(x, y):
        d, r = a - x, y - x * x  # squares as products: Python's float ** raises on overflow
        return d * d + b * (r * r)

    def df(x, y):
        r = y - x * x
        return (-2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r)

    xlim = (min(-2.0, a - 1.0), max(2.0, a + 1.0))
    ylim = (min(-1.0, a * a - 1.0), max(3.0, a * a + 1.0))
    return Surface(name="rosenbrock", title=f"Rosenbrock (a = {a:g}, b = {b:g})", f=f, df=df,
                   xlim=xlim, ylim=ylim, minima=np.array([[a, a * a]]), min_loss=0.0,
                   start=np.array([-1.2, 1.0]), levels=np.geomspace(0.01, 3000.0, 18))


def beale() -> Surface:
    """Beale's function: flat plateaus and steep walls; one minimum, at (3, 0.5)."""
    def f(x, y):
        t1 = 1.5 - x + x * y
        t2 = 2.25 - x + x * y * y
        t3 = 2.625 - x + x * y * y * y
        return t1 * t1 + t2 * t2 + t3 * t3

    def df(x, y):
        y2 = y * y
        t1 = 1.5 - x + x * y
        t2 = 2.25 - x + x * y2
        t3 = 2.625 - x + x * y2 * y
        return (2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y2 * y - 1.0)),
                2.0 * x * (t1 + 2.0 * y * t2 + 3.0 * y2 * t3))

    return Surface(name="beale", title="Beale", f=f, df=df, xlim=(-4.5, 4.5), ylim=(-4.5, 4.5),
                   minima=np.array([[3.0, 0.5]]), min_loss=0.0, start=np.array([1.0, 1.5]),
                   levels=np.geomspace(0.01, 1e5, 22))


def saddle() -> Surface:
    """f = x**2 - y**2: a saddle point at the origin and no minimum at all.

    The loss falls without bound along y, so `minima` is empty and `min_loss` is None;
    any run that escapes the saddle eventually leaves every window (the trajectory
    runner reports that as divergence). The default start lies almost on the ridge
    y = 0, where the gradient barely points away from the saddle.
    """
    def f(x, y):
        return x * x - y * y

    def df(x, y):
        return (2.0 * x, -2.0 * y)

    return Surface(name="saddle", title="Saddle (f = θ₁² − θ₂²)", f=f, df=df,
                   xlim=(-2.5, 2.5), ylim=(-2.5, 2.5), minima=np.empty((0, 2)), min_loss=None,
                   start=np.array([-2.0, 0.01]), levels=np.linspace(-6.0, 6.0, 13))


_HIMMELBLAU_MINIMA = np.array([[3.0, 2.0],
                               [-2.805118086952745, 3.131312518250573],
                               [-3.779310253377747, -3.2831859912861696],
                               [3.5844283403304917, -1.8481265269644036]])


def himmelblau() -> Surface:
    """f = (x**2 + y - 11)**2 + (x + y**2 - 7)**2: four minima, all with loss 0.

    Which one a run reaches depends on the start and on the optimizer; the default start
    sits next to the local maximum at about (-0.271, -0.923).
    """
    def f(x, y):
        p, q = x * x + y - 11.0, x + y * y - 7.0
        return p * p + q * q

    def df(x, y):
        p, q = x * x + y - 11.0, x + y * y - 7.0
        return (4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q)

    return Surface(name="himmelblau", title="Himmelblau", f=f, df=df, xlim=(-5.0, 5.0),
                   ylim=(-5.0, 5.0), minima=_HIMMELBLAU_MINIMA.copy(), min_loss=0.0,
                   start=np.array([-0.5, -0.5]), levels=np.geomspace(0.1, 1000.0, 17))


_FACTORIES = {"quadratic": quadratic, "rotated_quadratic": rotated_quadratic,
              "rosenbrock": rosenbrock, "beale": beale, "saddle": saddle,
              "himmelblau": himmelblau}
SURFACES = tuple(_FACTORIES)


def get(name: "str | Surface", **kw: Any) -> Surface:
    """The surface called `name` (one of SURFACES), built with keyword arguments `kw`.

    A `Surface` passed in is returned unchanged, so functions can accept either.
    """
    if isinstance(name, Surface):
        if kw:
            raise ValueError(f"got a Surface and options {sorted(kw)}; options only apply "
                             f"when the surface is given by name.")
        return name
    if not isinstance(name, str) or name not in _FACTORIES:
        raise ValueError(f"unknown surface {name!r}; choose one of: {', '.join(SURFACES)}.")
    return _FACTORIES[name](**kw)
