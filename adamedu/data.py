"""Data for the course: the 8x8 handwritten digits (shipped inside the package),
seeded splits and minibatches, and a synthetic sparse bag-of-words task.

Nothing here downloads anything. Every random choice takes a ``seed`` and uses
``np.random.default_rng(seed)``, so the same call gives the same arrays everywhere.
"""
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from adamedu import _check

DIGITS_FILE = "digits.npz"
DIGITS_SOURCE = ("Optical Recognition of Handwritten Digits, E. Alpaydin and C. Kaynak (1998), "
                 "UCI Machine Learning Repository, doi:10.24432/C50P49, CC BY 4.0")


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 8x8 handwritten digits: ``X`` (1797 x 64 float64, pixels 0..16), ``y`` (0..9).

    Row ``i`` of ``X`` reshaped to (8, 8) is the image. The file ships in
    ``adamedu/data/`` with its attribution (see ``DIGITS_SOURCE``).
    """
    with resources.files("adamedu").joinpath("data").joinpath(DIGITS_FILE).open("rb") as f:
        with np.load(f) as archive:
            X = archive["images"].astype(np.float64)
            y = archive["labels"].astype(np.int64)
    return X, y


def train_test_split(X: ArrayLike, y: ArrayLike, test_fraction: float = 0.25,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the rows with ``seed`` and hold out ``test_fraction`` of them.

    Returns ``X_train, X_test, y_train, y_test``. The same seed gives the same split.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of rows; got {len(X)} and {len(y)}")
    test_fraction = _check.number("test_fraction", test_fraction, 0.0, 1.0,
                                  "it is a share of the rows", open_low=True, open_high=True)
    seed = _check.seed(seed)
    n = len(X)
    n_test = int(round(test_fraction * n))
    if not 1 <= n_test <= n - 1:
        raise ValueError(f"test_fraction={test_fraction} of {n} rows leaves an empty train or "
                         f"test set; choose a fraction between 1/{n} and 1 - 1/{n}")
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def standardize(X_train: ArrayLike, X_test: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Centre and scale every column with the TRAINING set's mean and standard deviation.

    Columns that are constant in the training set (e.g. always-blank corner pixels) are
    only centred. Returns the transformed ``X_train, X_test``; the inputs are not modified.
    """
    X_train = _check.numbers("X_train", X_train)
    X_test = _check.numbers("X_test", X_test)
    if X_train.ndim != 2 or len(X_train) == 0 or X_test.shape[1:] != X_train.shape[1:]:
        raise ValueError(f"X_train and X_test must be tables (one row per example) with the "
                         f"same columns; got shapes {X_train.shape} and {X_test.shape}")
    mean = X_train.mean(axis=0)
    scale = X_train.std(axis=0)
    scale[scale == 0] = 1.0
    return (X_train - mean) / scale, (X_test - mean) / scale


def digits_split(test_fraction: float = 0.25,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Digits, split with ``seed`` and standardised with the training statistics.

    Returns ``X_train, X_test, y_train, y_test`` (1348 / 449 rows for the defaults).
    """
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction, seed)
    X_train, X_test = standardize(X_train, X_test)
    return X_train, X_test, y_train, y_test


class Minibatches:
    """Row indices for ``epochs`` passes over ``n`` rows in batches of ``batch_size``.

    Each epoch is a fresh shuffle; the last batch of an epoch may be smaller.
    Iterating again replays exactly the same batches, so every optimizer trained on
    one ``Minibatches`` sees the same data in the same order.
    """

    def __init__(self, n: int, batch_size: int, seed: int = 0, epochs: int = 1) -> None:
        self.n = _check.whole("n", n, 1, "it is the number of rows to draw from")
        self.batch_size = _check.whole("batch_size", batch_size, 1,
                                       "it is the number of rows per step")
        self.seed = _check.seed(seed)
        self.epochs = _check.whole("epochs", epochs, 1, "it is the number of passes over the data")
        self.steps_per_epoch = -(-self.n // self.batch_size)

    def __len__(self) -> int:
        return self.steps_per_epoch * self.epochs

    def __iter__(self) -> Iterator[np.ndarray]:
        rng = np.random.default_rng(self.seed)
        for _ in range(self.epochs):
            order = rng.permutation(self.n)
            for start in range(0, self.n, self.batch_size):
                yield order[start:start + self.batch_size]

    def __repr__(self) -> str:
        return (f"Minibatches(n={self.n}, batch_size={self.batch_size}, seed={self.seed}, "
                f"epochs={self.epochs})")


def minibatches(n: int, batch_size: int, seed: int = 0, epochs: int = 1) -> Minibatches:
    """Seeded, replayable minibatch indices; see ``Minibatches``."""
    return Minibatches(n, batch_size, seed, epochs)


class BatchStream:
    """A *problem* for `trajectory.run` trained on a stream of batches: the k-th call of
    ``grad(theta)`` returns ``batch_grad(theta, batch)`` for the k-th entry of ``batches``
    (row indices from ``minibatches``, or a sample number); ``loss(theta)`` is ``loss``
    on all the data, what the curves show. ``reset()`` rewinds to the first batch, so
    every run that starts with it (``sweeps`` resets before each run) sees the same
    batches in the same order. ``start`` and ``minima``, when given, are the problem's.
    """

    def __init__(self, loss: Callable[[np.ndarray], float],
                 batch_grad: Callable[[np.ndarray, Any], np.ndarray], batches: Iterable[Any],
                 start: ArrayLike | None = None, minima: ArrayLike | None = None) -> None:
        if not (callable(loss) and callable(batch_grad) and isinstance(batches, Iterable)):
            raise ValueError("BatchStream needs loss(theta), batch_grad(theta, batch) and an "
                             "iterable of batches, such as data.minibatches(n, batch_size)")
        self._loss, self._batch_grad, self.batches = loss, batch_grad, batches
        if start is not None:
            self.start = start
        if minima is not None:
            self.minima = minima
        self.reset()

    def reset(self) -> None:
        """Rewind to the first batch."""
        self._next = iter(self.batches)

    def loss(self, theta: np.ndarray) -> float:
        return self._loss(theta)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """The gradient on the next batch."""
        return self._batch_grad(theta, next(self._next))


class SparseTask(NamedTuple):
    """A synthetic bag-of-words data set; see ``sparse_bag_of_words``."""
    X: np.ndarray            # n_samples x n_features, 0.0 or 1.0 (word absent / present)
    y: np.ndarray            # 0 or 1
    rates: np.ndarray        # probability that each word appears in a document
    true_weights: np.ndarray  # the logistic model that generated y (bias excluded)
    informative: np.ndarray  # indices of the rare, strongly informative words


def sparse_bag_of_words(n_samples: int = 2000, n_common: int = 20, n_rare: int = 100,
                        common_rate: float = 0.4, rare_rate: float = 0.01,
                        common_weight: float = 0.3, rare_weight: float = 3.0,
                        seed: int = 0) -> SparseTask:
    """A binary classification task where the informative features are rare.

    Each document is a 0/1 vector over ``n_common + n_rare`` words. Common words
    (columns ``0 .. n_common-1``) appear with probability ``common_rate`` and carry a
    weak signal (true weights drawn from N(0, common_weight^2)). Rare words (the
    remaining columns, listed in ``informative``) appear with probability ``rare_rate``
    and carry a strong one (true weights +-``rare_weight``, random sign). The label is
    drawn from the logistic model: P(y = 1) = sigmoid(X @ true_weights).

    Why it matters: a rare word's gradient is zero in most minibatches, so plain SGD,
    with one learning rate for all coordinates, moves its weight slowly. Adagrad and
    Adam divide by a running size of each coordinate's own gradients, which is small
    for rare words, so those weights take larger steps (Kingma and Ba, 2015, sec. 6.1).
    """
    for name, count in [("n_samples", n_samples), ("n_common", n_common), ("n_rare", n_rare)]:
        _check.whole(name, count, 1, "it is a count")
    for name, rate in [("common_rate", common_rate), ("rare_rate", rare_rate)]:
        _check.number(name, rate, 0.0, 1.0, "it is the probability of a word appearing",
                      open_low=True)
    for name, weight in [("common_weight", common_weight), ("rare_weight", rare_weight)]:
        _check.number(name, weight, 0.0, why="it is the size of a word's true weight")
    rng = np.random.default_rng(_check.seed(seed))
    rates = np.concatenate([np.full(n_common, common_rate), np.full(n_rare, rare_rate)])
    X = (rng.random((n_samples, rates.size)) < rates).astype(np.float64)
    true_weights = np.concatenate([rng.normal(0.0, common_weight, n_common),
                                   rare_weight * rng.choice([-1.0, 1.0], n_rare)])
    p = 1.0 / (1.0 + np.exp(-(X @ true_weights)))
    y = (rng.random(n_samples) < p).astype(np.int64)
    informative = np.arange(n_common, n_common + n_rare)
    return SparseTask(X, y, rates, true_weights, informative)
