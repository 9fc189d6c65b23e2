"""adamedu.data: the shipped digits, splits, minibatches and the sparse task."""
import numpy as np
import pytest

from adamedu import data, optimizers


def test_digits_shape_range_and_classes():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    assert np.array_equal(np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])


def test_digits_known_first_image_is_a_zero():
    X, y = data.load_digits()
    assert y[0] == 0 and y[1] == 1
    assert X[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]
    assert X.sum() == 561718  # pixel total of the source CSV


def test_attribution_ships_beside_the_data():
    from importlib import resources
    text = resources.files("adamedu").joinpath("data").joinpath("digits_ATTRIBUTION.md").read_text()
    for needed in ("Alpaydin", "Kaynak", "CC BY 4.0", "What we changed"):
        assert needed in text


def test_split_is_seeded_disjoint_and_complete():
    X = np.arange(100.0).reshape(50, 2)
    y = np.arange(50)
    a = data.train_test_split(X, y, 0.2, seed=3)
    b = data.train_test_split(X, y, 0.2, seed=3)
    c = data.train_test_split(X, y, 0.2, seed=4)
    for u, v in zip(a, b):
        assert np.array_equal(u, v)
    assert not np.array_equal(a[3], c[3])
    X_train, X_test, y_train, y_test = a
    assert len(y_test) == 10 and len(y_train) == 40
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(50))
    assert np.array_equal(X_train[:, 0], 2 * y_train)  # rows stay paired with labels


@pytest.mark.parametrize("fraction", [0, 1, 1.5, 0.001])
def test_split_rejects_bad_fractions(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        data.train_test_split(np.zeros((50, 2)), np.zeros(50), fraction)


def test_split_rejects_mismatched_rows():
    with pytest.raises(ValueError, match="same number of rows"):
        data.train_test_split(np.zeros((5, 2)), np.zeros(4))


def test_standardize_uses_training_statistics_and_keeps_constant_columns():
    X_train = np.array([[0.0, 1.0, 5.0], [2.0, 3.0, 5.0]])
    X_test = np.array([[4.0, 1.0, 7.0]])
    a, b = data.standardize(X_train, X_test)
    assert np.allclose(a, [[-1, -1, 0], [1, 1, 0]])
    assert np.allclose(b, [[3, -1, 2]])
    assert X_train[0, 0] == 0.0  # inputs untouched


def test_digits_split_sizes_and_standardised_train():
    X_train, X_test, y_train, y_test = data.digits_split()
    assert X_train.shape == (1348, 64) and X_test.shape == (449, 64)
    used = X_train.std(axis=0) > 0
    assert np.allclose(X_train.mean(axis=0), 0) and np.allclose(X_train.std(axis=0)[used], 1)


def test_minibatches_cover_each_epoch_once_and_replay_identically():
    batches = data.minibatches(10, 4, seed=1, epochs=3)
    first = [b.tolist() for b in batches]
    again = [b.tolist() for b in batches]
    assert first == again
    assert len(batches) == len(first) == 9 and batches.steps_per_epoch == 3
    assert [len(b) for b in first[:3]] == [4, 4, 2]
    for e in range(3):
        assert sorted(sum(first[3 * e:3 * e + 3], [])) == list(range(10))
    assert first[:3] != first[3:6]  # a fresh shuffle every epoch
    other = [b.tolist() for b in data.minibatches(10, 4, seed=2, epochs=3)]
    assert other != first


@pytest.mark.parametrize("kwargs, name", [({"n": 0}, "n"), ({"batch_size": 0}, "batch_size"),
                                          ({"epochs": 1.5}, "epochs")])
def test_minibatches_reject_bad_sizes(kwargs, name):
    args = {"n": 10, "batch_size": 4, "epochs": 1, **kwargs}
    with pytest.raises(ValueError, match=name):
        data.minibatches(**args)


def test_sparse_task_rare_words_are_rare_and_informative():
    task = data.sparse_bag_of_words(n_samples=4000, seed=0)
    X, y = task.X, task.y
    assert X.shape == (4000, 120)
    assert set(np.unique(X)) == {0.0, 1.0} and set(np.unique(y)) == {0, 1}
    freq = X.mean(axis=0)
    assert np.all(np.abs(freq[:20] - 0.4) < 0.05) and np.all(freq[task.informative] < 0.025)
    # The true model explains the labels well; its rare weights are the large ones.
    p = 1 / (1 + np.exp(-(X @ task.true_weights)))
    assert np.mean((p > 0.5) == y) > 0.7
    assert np.abs(task.true_weights[task.informative]).min() > np.abs(task.true_weights[:20]).max()
    again = data.sparse_bag_of_words(n_samples=4000, seed=0)
    assert np.array_equal(again.X, X) and np.array_equal(again.y, y)


def test_sparse_task_rejects_bad_rates():
    with pytest.raises(ValueError, match="rare_rate"):
        data.sparse_bag_of_words(rare_rate=0)


def test_one_batch_stream_serves_every_minibatch_problem():
    from adamedu import noise, sweeps, toys
    calls = []
    stream = data.BatchStream(lambda theta: 0.0, lambda theta, rows: calls.append(list(rows)),
                              data.minibatches(6, 4, seed=1, epochs=2))
    for _ in range(3):
        stream.grad(None)
    stream.reset()
    stream.grad(None)
    assert calls[3] == calls[0] and [len(c) for c in calls[:3]] == [4, 2, 4]
    assert isinstance(noise.LeastSquares(), data.BatchStream)
    assert issubclass(sweeps.MinibatchProblem, data.BatchStream)
    toy = toys.RareFeature()  # its stochastic run: step k uses sample k - 1
    first = toy.run(optimizers.SGD(lr=0.1), steps=1).points[1]
    assert np.array_equal(first, toy.start - 0.1 * toy.sample_grad(toy.start, 0))
