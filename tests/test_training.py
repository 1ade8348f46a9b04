"""Unit tests for helpers.training: the training loop and the transfer comparison."""

import copy
import statistics

import pytest
import torch
from torch import nn

from helpers import pretrained, textures, training

pytestmark = pytest.mark.slow  # networks trained and compared


def blobs(n=60, seed=0):
    """Three clusters of 2-D points, as (X, y)."""
    generator = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = torch.arange(n) % 3
    return centres[y] + 0.8 * torch.randn(n, 2, generator=generator), y


@pytest.fixture(scope="module")
def lite0():
    return pretrained.load_efficientnet_lite0()


@pytest.fixture(scope="module")
def task(lite0):
    """The target task, small: 6 pool, 2 validation and 3 test patches per photo."""
    data = training.load_transfer_data(pool=6, val=2, test=3)
    return training.prepare_task(data, lite0, progress=False)


def test_evaluate_gives_loss_and_accuracy_and_keeps_the_mode():
    X, y = blobs()
    net = nn.Sequential(nn.Linear(2, 3)).train()
    loss, accuracy = training.evaluate(net, X, y)
    logits = net(X)
    assert loss == pytest.approx(nn.functional.cross_entropy(logits, y).item())
    assert accuracy == pytest.approx((logits.argmax(1) == y).float().mean().item())
    assert net.training


def test_flip_augment_flips_each_patch_or_not():
    X = torch.arange(2 * 1 * 3 * 3, dtype=torch.float32).view(2, 1, 3, 3)
    flipped = training.flip_augment(X, torch.Generator().manual_seed(0))
    for original, out in zip(X, flipped):
        assert any(
            torch.equal(out, candidate)
            for candidate in (
                original,
                original.flip(2),
                original.flip(1),
                original.flip(1).flip(2),
            )
        )
    again = training.flip_augment(X, torch.Generator().manual_seed(0))
    assert torch.equal(flipped, again)


def test_fit_lowers_the_loss_follows_the_schedule_and_keeps_the_best_epoch():
    X, y = blobs(seed=0)
    X_val, y_val = blobs(30, seed=1)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
    history = training.fit(
        net, optimizer, X, y, X_val, y_val, num_epochs=8, augment=False, progress=False
    )
    assert len(history.train_loss) == len(history.val_accuracy) == 8
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.lr[0] == pytest.approx(0.2)
    assert all(a > b for a, b in zip(history.lr, history.lr[1:]))  # cosine, down
    best = history.best_epoch
    assert history.val_accuracy[best - 1] == max(history.val_accuracy)
    # the model ends with the best epoch's weights, in eval mode
    assert training.evaluate(net, X_val, y_val) == pytest.approx(
        (history.val_loss[best - 1], history.val_accuracy[best - 1])
    )
    assert not net.training


def test_fit_is_deterministic_for_a_seed():
    X, y = blobs()
    results = []
    for _ in range(2):
        torch.manual_seed(1)
        net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))
        optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
        training.fit(
            net,
            optimizer,
            X,
            y,
            X,
            y,
            num_epochs=3,
            augment=False,
            progress=False,
            seed=5,
        )
        results.append(torch.cat([p.flatten() for p in net.parameters()]))
    assert torch.equal(*results)


def test_frozen_batch_norm_keeps_its_statistics():
    net = textures.TextureNet(10, 1)
    data = training.load_transfer_data(pool=4, val=1, test=1)
    stats = [
        m.running_mean.clone() for m in net.modules() if hasattr(m, "running_mean")
    ]
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    X, y = data.X_pool[:40], data.y_pool[:40]
    training.fit(
        net, optimizer, X, y, X, y, num_epochs=1, frozen_batch_norm=True, progress=False
    )
    after = [m.running_mean for m in net.modules() if hasattr(m, "running_mean")]
    assert all(torch.equal(a, b) for a, b in zip(stats, after))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_epochs": 0}, "num_epochs must be a positive int"),
        ({"num_epochs": 1, "batch_size": 2.5}, "batch_size must be a positive int"),
    ],
)
def test_fit_rejects_bad_settings(kwargs, message):
    X, y = blobs()
    net = nn.Linear(2, 3)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=message):
        training.fit(net, optimizer, X, y, X, y, progress=False, **kwargs)


def test_fit_rejects_mismatched_data():
    X, y = blobs()
    net = nn.Linear(2, 3)
    with pytest.raises(ValueError, match="same positive number of examples"):
        training.fit(
            net, torch.optim.SGD(net.parameters(), lr=0.1), X, y[:-1], X, y,
            num_epochs=1,
        )  # fmt: skip


def test_labelled_subset_takes_k_of_every_class_the_same_for_a_seed():
    y = torch.arange(40) % 4
    chosen = training.labelled_subset(y, 3, seed=0)
    assert torch.bincount(y[chosen]).tolist() == [3, 3, 3, 3]
    assert torch.equal(chosen, training.labelled_subset(y, 3, seed=0))
    assert not torch.equal(chosen, training.labelled_subset(y, 3, seed=1))
    with pytest.raises(ValueError, match="k=11"):
        training.labelled_subset(y, 11, seed=0)


def test_the_target_task_has_the_sizes_asked_for():
    data = training.load_transfer_data()
    assert data.X_pool.shape == (250, 1, 48, 48)
    assert len(data.y_val) == 100 and len(data.y_test) == 500
    assert data.photos == textures.TARGET_PHOTOS


def test_network_input_is_upsampled_grey_in_three_normalised_channels():
    X = torch.rand(2, 1, 48, 48)
    got = training.network_input(X, (0.5, 0.5, 0.5), (0.25, 0.5, 1.0), size=96)
    assert got.shape == (2, 3, 96, 96)
    up = nn.functional.interpolate(X, size=96, mode="bilinear", align_corners=False)
    assert torch.allclose(got[:, 0], (up[:, 0] - 0.5) / 0.25)
    assert torch.allclose(got[:, 2], up[:, 0] - 0.5)


def test_prepare_task_keeps_the_frozen_networks_outputs_for_every_patch(task, lite0):
    assert task.maps.X_pool.shape[0] == 60 and task.features.X_test.shape == (30, 1280)
    assert torch.equal(task.maps.y_test, task.patches.y_test)
    # The maps and the features are the network's own, split at FROZEN_BLOCKS.
    X = training.network_input(
        task.patches.X_val, lite0.preprocess.mean, lite0.preprocess.std
    )
    with torch.inference_mode():
        whole = lite0.model.forward_head(
            lite0.model.forward_features(X), pre_logits=True
        )
        assert torch.allclose(task.features.X_val, whole, atol=1e-4)
        assert torch.allclose(task.top(task.maps.X_val), whole, atol=1e-4)


def test_feature_extraction_trains_only_a_head_and_leaves_the_network(task):
    before = copy.deepcopy(task.top.state_dict())
    result = training.transfer("feature extraction", task, 2, 0, lr=1e-2)
    assert result.trainable == 1280 * 10 + 10
    for name, value in task.top.state_dict().items():
        assert torch.equal(value, before[name]), name
    assert 0 <= result.test_accuracy <= 1 and result.k == 2 and result.lr == 1e-2


def test_fine_tuning_trains_the_top_blocks_with_frozen_batch_norm(task):
    before = copy.deepcopy(task.top.state_dict())
    result = training.transfer("fine-tuning", task, 1, 0, lr=1e-2, num_epochs=2)
    top = sum(p.numel() for p in task.top.parameters())
    assert result.trainable == top + 1280 * 10 + 10
    assert len(result.history.train_loss) == 2
    for name, value in task.top.state_dict().items():  # a copy was trained
        assert torch.equal(value, before[name]), name


def test_scratch_trains_a_small_cnn_on_the_patches(task):
    result = training.transfer("scratch", task, 1, 0, lr=1e-2, num_epochs=2)
    net = textures.TextureNet(10, 1)
    assert result.trainable == sum(p.numel() for p in net.parameters())


def test_transfer_rejects_unknown_modes_and_tasks(task):
    with pytest.raises(ValueError, match="mode must be one of"):
        training.transfer("linear probe", task, 5, 0, lr=1e-2)
    with pytest.raises(ValueError, match="what training.prepare_task returns"):
        training.transfer("scratch", task.patches, 5, 0, lr=1e-2)


def test_choose_learning_rates_picks_the_best_mean_validation_accuracy(task):
    threads = torch.get_num_threads()
    chosen, runs = training.choose_learning_rates(
        task, 1, learning_rates=(1e-3, 1e-1), modes=("feature extraction",),
        progress=False,
    )  # fmt: skip
    assert [(r.lr, r.seed) for r in runs] == [
        (lr, seed) for lr in (1e-3, 1e-1) for seed in training.SELECTION_SEEDS
    ]
    means = {
        lr: statistics.mean(r.val_accuracy for r in runs if r.lr == lr)
        for lr in (1e-3, 1e-1)
    }
    best = max(means.values())
    assert means[chosen["feature extraction"]] == best
    table = training.format_selection(training.selection_rows(runs), chosen)
    assert "feature extraction" in table and "*" in table
    assert torch.get_num_threads() == threads  # given back after one-thread runs


def test_the_recorded_rates_are_the_best_of_their_recorded_validation():
    """Is helpers/transfer-rates.json consistent: every chosen rate the one with
    the best mean validation accuracy (the smaller on ties), for the current grid?"""
    chosen, record = training.load_chosen_rates()
    assert record["learning_rates"] == list(training.LEARNING_RATES)
    assert record["num_epochs"] == training.NUM_EPOCHS
    assert record["selection_seeds"] == list(training.SELECTION_SEEDS)
    assert 5 in chosen
    for k, rates in chosen.items():
        assert set(rates) == set(training.MODES)
        for mode, rate in rates.items():
            scores = {}
            for r in record["validation"]:
                if r["k"] == k and r["mode"] == mode:
                    scores.setdefault(r["lr"], []).append(r["val_accuracy"])
            assert len(scores) == len(training.LEARNING_RATES)
            means = {lr: statistics.mean(v) for lr, v in scores.items()}
            assert rate == max(means, key=lambda lr: (means[lr], -lr)), (k, mode)


def test_a_missing_record_says_how_to_make_it(monkeypatch, tmp_path):
    monkeypatch.setattr(training, "CHOSEN_RATES_PATH", tmp_path / "rates.json")
    with pytest.raises(FileNotFoundError, match="benchmarks/transfer.py --choose"):
        training.load_chosen_rates()


def test_summarise_and_paired_differences(task):
    rates = dict.fromkeys(training.MODES, 1e-2)
    results = training.compare_transfer(
        task, rates, ks=(1,), seeds=(0, 1, 2), progress=False
    )
    for r in results:  # short runs would take long: only the bookkeeping is tested
        assert r.k == 1 and r.lr == 1e-2
    summaries = training.summarise(results)
    assert [s.mode for s in summaries] == list(training.MODES)
    scratch = [r.test_accuracy for r in results if r.mode == "scratch"]
    assert summaries[0].mean == pytest.approx(statistics.mean(scratch))
    assert summaries[0].std == pytest.approx(statistics.stdev(scratch))
    table = training.format_comparison(summaries)
    assert "feature extraction" in table and f"{summaries[0].mean:.3f}" in table
    (difference,) = training.paired_differences(results, "fine-tuning", "scratch")
    expected = [
        a.test_accuracy - b.test_accuracy for a, b in zip(results[6:9], results[0:3])
    ]
    assert list(difference.differences) == pytest.approx(expected)
    assert difference.standard_error == pytest.approx(
        statistics.stdev(expected) / 3**0.5
    )


@pytest.mark.parametrize(
    ("differences", "verdict"),
    [
        ((0.10, 0.12, 0.11), "beats"),
        ((-0.10, -0.12, -0.11), "trails"),
        ((0.10, -0.08, 0.02), "shows no clear difference from"),
    ],
)
def test_a_verdict_needs_more_than_two_standard_errors(differences, verdict):
    se = statistics.stdev(differences) / len(differences) ** 0.5
    mean = statistics.mean(differences)
    difference = training.Difference("a", "b", 5, differences, mean, se)
    assert difference.verdict == verdict
    assert str(difference).startswith(f"k=5: a {verdict} b:")
