"""Unit tests for helpers.training: the training loop and the transfer comparison."""

import copy
import statistics

import pytest
import torch
from torch import nn

from helpers import textures, training


def blobs(n=60, seed=0):
    """Three clusters of 2-D points, as (X, y)."""
    generator = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = torch.arange(n) % 3
    return centres[y] + 0.8 * torch.randn(n, 2, generator=generator), y


@pytest.fixture(scope="module")
def data():
    return training.load_transfer_data()


@pytest.fixture(scope="module")
def backbone():
    return textures.load_backbone()


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


def test_frozen_batch_norm_keeps_its_statistics(backbone, data):
    net = copy.deepcopy(backbone)
    net.head = nn.Linear(net.head.in_features, 10)
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


def test_the_target_task_has_the_sizes_asked_for(data):
    assert data.X_pool.shape == (1000, 1, 32, 32)
    assert len(data.y_val) == 100 and len(data.y_test) == 1000
    assert data.photos == textures.TARGET_PHOTOS


def test_feature_extraction_trains_only_a_head_and_leaves_the_backbone(backbone, data):
    before = copy.deepcopy(backbone.state_dict())
    result = training.transfer("feature extraction", data, 2, 0, backbone)
    assert result.trainable == 64 * 10 + 10
    for name, value in backbone.state_dict().items():
        assert torch.equal(value, before[name]), name
    assert 0 <= result.test_accuracy <= 1 and result.k == 2


def test_fine_tuning_and_scratch_train_every_weight(backbone, data):
    total = sum(p.numel() for p in backbone.features.parameters()) + 650
    for mode in ("scratch", "fine-tuning"):
        result = training.transfer(mode, data, 1, 0, backbone, num_epochs=2)
        assert result.trainable == total
        assert len(result.history.train_loss) == 2


def test_transfer_rejects_unknown_modes_and_a_missing_backbone(data):
    with pytest.raises(ValueError, match="mode must be one of"):
        training.transfer("linear probe", data, 5, 0)
    with pytest.raises(ValueError, match="needs the pretrained backbone"):
        training.transfer("fine-tuning", data, 5, 0)


def test_summarise_and_format_the_comparison(backbone, data):
    threads = torch.get_num_threads()
    results = training.compare_transfer(
        backbone, data, ks=(1,), seeds=(0, 1), progress=False
    )
    assert [(r.mode, r.seed) for r in results] == [
        (mode, seed) for mode in training.MODES for seed in (0, 1)
    ]
    summaries = training.summarise(results)
    assert [s.mode for s in summaries] == list(training.MODES)
    scratch = [r.test_accuracy for r in results if r.mode == "scratch"]
    assert summaries[0].mean == pytest.approx(statistics.mean(scratch))
    assert summaries[0].std == pytest.approx(statistics.stdev(scratch))
    table = training.format_comparison(summaries)
    assert "feature extraction" in table and f"{summaries[0].mean:.3f}" in table
    assert torch.get_num_threads() == threads  # given back after one-thread runs


def test_transfer_beats_scratch_by_ten_points_at_five_labels(backbone, data):
    """The lesson's claim: at k = 5 the better transfer mode beats scratch by at
    least 10 points, mean over three seeds."""
    results = training.compare_transfer(
        backbone, data, ks=(5,), seeds=(0, 1, 2), progress=False
    )
    means = {s.mode: s.mean for s in training.summarise(results)}
    best = max(means["feature extraction"], means["fine-tuning"])
    assert best - means["scratch"] >= 0.10, means
