import numpy as np
import pytest

from adamedu import memory


@pytest.mark.parametrize("name, hp, ratio", [
    ("sgd", {}, 0), ("momentum", {}, 1), ("nesterov", {}, 1), ("adagrad", {}, 1),
    ("rmsprop", {}, 1), ("adam", {}, 2), ("adamw", {}, 2), ("amsgrad", {}, 3),
])
def test_state_ratio_counts_buffers(name, hp, ratio):
    assert memory.state_ratio(name, n=500, **hp) == pytest.approx(ratio, abs=0.01)


def test_traffic_per_param_adam_fp32():
    assert memory.traffic_per_param(2) == (16, 12)       # reads theta, g, m, v; writes theta, m, v
    assert memory.traffic_per_param(0, bytes_per_value=2) == (4, 2)
    with pytest.raises(ValueError, match="n_buffers"):
        memory.traffic_per_param(-1)


def test_model_memory_is_16_bytes_per_param_in_both_standard_recipes():
    for recipe in ("fp32", "mixed (bf16 + fp32 master)"):
        parts = memory.model_memory(7e9, recipe)
        assert parts["total"] == pytest.approx(112e9)
        assert parts["total"] == sum(v for k, v in parts.items() if k != "total")
    assert memory.model_memory(1e9, "mixed + 8-bit m, v")["total"] == pytest.approx(10e9)
    assert memory.model_memory(1e9, "mixed (bf16 + fp32 master)")["master"] == pytest.approx(4e9)


def test_model_memory_rejects_bad_input():
    with pytest.raises(ValueError, match="recipe"):
        memory.model_memory(1e9, "fp8")
    with pytest.raises(ValueError, match="n_params"):
        memory.model_memory(0)


def test_factored_rows_and_columns_match_full_v():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((5, 3)) for _ in range(20)]
    v = np.zeros((5, 3))
    for g in grads:
        v = 0.9 * v + 0.1 * g ** 2
    r, c = memory.factored_second_moment(grads, beta2=0.9)
    np.testing.assert_allclose(r, v.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(c, v.sum(axis=0), rtol=1e-12)
    v_est = memory.reconstruct(r, c)
    np.testing.assert_allclose(v_est.sum(axis=1), v.sum(axis=1), rtol=1e-12)
    assert not np.allclose(v_est, v, rtol=0.05)     # random v is not rank 1


def test_reconstruct_is_exact_for_rank_one_second_moments():
    a, b = np.array([1.0, 2.0, 0.5]), np.array([3.0, 0.1])
    g = np.sqrt(np.outer(a, b))                       # g**2 = outer(a, b) at every step
    r, c = memory.factored_second_moment([g, 2 * g, g], beta2=0.5)
    v = 0.5 * (0.5 * (0.5 * g ** 2) + 0.5 * 4 * g ** 2) + 0.5 * g ** 2
    np.testing.assert_allclose(memory.reconstruct(r, c), v, rtol=1e-12)


def test_factored_needs_a_matrix():
    with pytest.raises(ValueError, match="matrix"):
        memory.factored_second_moment([np.ones(4)])


def test_timings_are_positive_and_finite():
    assert 0 < memory.copy_bandwidth(n=10_000, repeats=2) < np.inf
    assert 0 < memory.step_seconds("adam", n=10_000, repeats=2) < np.inf


def test_zero_matches_the_papers_7_5b_example():
    # Rajbhandari et al. (2020), Figure 1: 7.5B parameters, 64 devices, K = 12.
    expected = [120e9, 31.4e9, 16.6e9, 1.9e9]
    for stage, gb in enumerate(expected):
        # printed to 0.1 GB
        assert memory.zero_per_device(7.5e9, 64, stage) == pytest.approx(gb, abs=0.05e9)
    assert memory.zero_per_device(1e9, 1, 3) == pytest.approx(16e9)
    with pytest.raises(ValueError, match="stage"):
        memory.zero_per_device(1e9, 8, 4)


def test_quantize_8bit_error_and_bytes():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(5000)
    decoded, nbytes = memory.quantize_8bit(x, block=1000)
    assert nbytes == 5000 + 4 * 5
    for b in range(5):
        part = slice(1000 * b, 1000 * (b + 1))
        step = np.abs(x[part]).max() / 127
        assert np.max(np.abs(decoded[part] - x[part])) <= step / 2 + 1e-12
    tiny = np.array([1.0, 1e-3, 1e-5])           # below 1/254 of the block's max -> 0
    np.testing.assert_array_equal(memory.quantize_8bit(tiny, block=3)[0], [1.0, 0.0, 0.0])
    assert memory.quantize_8bit(np.zeros(4), block=4)[0].tolist() == [0, 0, 0, 0]
    with pytest.raises(ValueError, match="block"):
        memory.quantize_8bit(x, block=0)
