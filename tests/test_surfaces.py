"""Surfaces: analytic gradients against finite differences, minima, windows, bad input."""
import numpy as np
import pytest

from adamedu import surfaces
from adamedu.surfaces import Surface

VARIANTS = [surfaces.get(name) for name in surfaces.SURFACES] + [
    surfaces.quadratic(kappa=1.0),
    surfaces.quadratic(kappa=50.0, angle=-30.0),
    surfaces.rotated_quadratic(kappa=3.0, angle=120.0),
    surfaces.rosenbrock(a=-0.5, b=10.0),
]
IDS = [f"{s.name}:{s.title}" for s in VARIANTS]


def sample_points(surface, n=8, seed=0):
    rng = np.random.default_rng(seed)
    lo = np.array([surface.xlim[0], surface.ylim[0]])
    hi = np.array([surface.xlim[1], surface.ylim[1]])
    return np.vstack([lo + (hi - lo) * rng.random((n, 2)), surface.start])


def central_difference(surface, theta, h=1e-6):
    g = np.zeros(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        g[i] = (surface.loss(theta + e) - surface.loss(theta - e)) / (2 * h)
    return g


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_gradient_matches_central_differences(surface):
    for theta in sample_points(surface):
        g = surface.grad(theta)
        fd = central_difference(surface, theta)
        scale = max(1.0, abs(surface.loss(theta)), np.abs(g).max())
        assert np.allclose(g, fd, rtol=0, atol=1e-6 * scale), (theta, g, fd)


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_f_on_grids_agrees_with_loss(surface):
    pts = sample_points(surface)
    on_grid = surface.f(pts[:, 0], pts[:, 1])
    assert on_grid.shape == (len(pts),)
    assert np.allclose(on_grid, [surface.loss(p) for p in pts], rtol=1e-14, atol=0)


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_minima_have_zero_gradient_the_listed_loss_and_are_lowest_nearby(surface):
    rng = np.random.default_rng(1)
    for m in surface.minima:
        assert np.abs(surface.grad(m)).max() < 1e-9
        assert surface.loss(m) == pytest.approx(surface.min_loss, abs=1e-12)
        for d in rng.normal(size=(20, 2)) * 1e-3:
            assert surface.loss(m + d) > surface.loss(m)


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_window_holds_start_and_minima_and_levels_increase(surface):
    for x, y in np.vstack([surface.minima, surface.start]):
        assert surface.xlim[0] < x < surface.xlim[1]
        assert surface.ylim[0] < y < surface.ylim[1]
    assert np.all(np.diff(surface.levels) > 0)
    assert surface.minima.ndim == 2 and surface.minima.shape[1] == 2


def test_registry_names_and_titles():
    assert surfaces.SURFACES == ("quadratic", "rotated_quadratic", "rosenbrock", "beale",
                                 "saddle", "himmelblau")
    for name in surfaces.SURFACES:
        s = surfaces.get(name)
        assert isinstance(s, Surface) and s.name == name and s.title
    assert len(surfaces.get("himmelblau").minima) == 4


def test_get_passes_surfaces_through_and_forwards_options():
    s = surfaces.rosenbrock()
    assert surfaces.get(s) is s
    assert surfaces.get("quadratic", kappa=25).loss([0.0, 1.0]) == pytest.approx(12.5)
    with pytest.raises(ValueError, match="only apply"):
        surfaces.get(s, a=2)


def test_quadratic_curvatures_are_one_and_kappa_along_the_rotated_axes():
    kappa, angle = 20.0, 30.0
    s = surfaces.quadratic(kappa=kappa, angle=angle)
    a = np.deg2rad(angle)
    u = np.array([np.cos(a), np.sin(a)])
    w = np.array([-np.sin(a), np.cos(a)])
    # The gradient is H theta, so H u = 1 * u and H w = kappa * w.
    assert np.allclose(s.grad(u), u, atol=1e-14)
    assert np.allclose(s.grad(w), kappa * w, atol=1e-13)
    assert s.name == "rotated_quadratic" and surfaces.quadratic().name == "quadratic"


def test_rosenbrock_minimum_moves_with_a():
    s = surfaces.rosenbrock(a=2.0, b=5.0)
    assert np.array_equal(s.minima, [[2.0, 4.0]])
    assert s.loss([2.0, 4.0]) == 0.0


def test_saddle_has_no_minimum_and_a_stationary_point_at_the_origin():
    s = surfaces.saddle()
    assert s.minima.shape == (0, 2) and s.min_loss is None
    assert np.array_equal(s.grad([0.0, 0.0]), [0.0, 0.0])
    assert s.loss([0.0, 3.0]) < s.loss([0.0, 0.0]) < s.loss([3.0, 0.0])


def test_grad_returns_a_new_float_array_and_accepts_lists_and_ints():
    s = surfaces.get("beale")
    g = s.grad([1, 1])
    assert g.dtype == float and g.shape == (2,)
    assert s.grad([1, 1]) is not g
    assert isinstance(s.loss(np.array([1, 1])), float)


@pytest.mark.parametrize("call, match", [
    (lambda: surfaces.get("bowl"), "unknown surface 'bowl'.*quadratic, rotated_quadratic"),
    (lambda: surfaces.quadratic(kappa=0.5),
     r"kappa=0.5 is outside the allowed range \[1, inf\): it is the ratio"),
    (lambda: surfaces.quadratic(kappa=float("nan")), "kappa=nan"),
    (lambda: surfaces.quadratic(angle=float("inf")), "angle=inf"),
    (lambda: surfaces.rosenbrock(b=0.0), r"b=0.0 is outside the allowed range \(0, inf\)"),
    (lambda: surfaces.rosenbrock(a="one"), "a must be a finite real number, got 'one'"),
    (lambda: surfaces.quadratic(kappa=True),
     r"kappa must be a finite real number in the allowed range \[1, inf\), got True"),
    (lambda: surfaces.get("rosenbrock").grad([1.0, 2.0, 3.0]), r"shape \(2,\).*\(3,\)"),
    (lambda: surfaces.get("saddle").loss(np.zeros((2, 2))), r"shape \(2, 2\)"),
])
def test_bad_input_raises_a_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_surface_arrays_are_read_only():
    s = surfaces.get("himmelblau")
    with pytest.raises(ValueError, match="read-only"):
        s.start[0] = 10.0
    with pytest.raises(ValueError, match="read-only"):
        s.minima[0, 0] = 10.0
    assert surfaces.get("himmelblau").minima is not s.minima     # each call builds afresh


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_loss_and_grad_equal_float64_arithmetic_bit_for_bit(surface):
    """loss and grad compute on Python floats for speed; the result must be exactly that
    of numpy float64 scalars (and of the vectorised f on grids)."""
    pts = sample_points(surface)
    for x, y in pts:
        assert surface.loss([x, y]) == float(surface.f(np.float64(x), np.float64(y)))
        assert np.array_equal(surface.grad([x, y]),
                              np.array(surface.df(np.float64(x), np.float64(y)), dtype=float))


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_overflow_gives_inf_or_nan_not_an_exception(surface):
    with np.errstate(all="ignore"):
        loss = surface.loss([1e200, -1e200])
        grad = surface.grad([1e200, -1e200])
    assert not np.isfinite(loss) or abs(loss) > 1e300
    assert grad.shape == (2,)


def test_a_surface_of_your_own_may_use_powers_that_overflow():
    own = Surface(name="own", title="own", f=lambda x, y: x ** 2 + y ** 2,
                  df=lambda x, y: (2.0 * x, 2.0 * y), xlim=(-1.0, 1.0), ylim=(-1.0, 1.0),
                  minima=np.zeros((1, 2)), min_loss=0.0, start=np.array([0.5, 0.5]),
                  levels=np.geomspace(0.01, 1.0, 5))
    with np.errstate(all="ignore"):
        assert own.loss([1e200, 0.0]) == np.inf  # as numpy float64 gives, no OverflowError
    assert own.loss([3.0, 4.0]) == 25.0
