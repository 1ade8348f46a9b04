"""How do seven ImageNet classifiers compare on this CPU? Size, accuracy and speed.

    python benchmarks/architectures.py [--runs N] [--warmup N] [MODEL ...]

Prints one row per model: parameters counted from the built model, the weights
file's size, ImageNet-1K top-1 accuracy and GFLOPs from the weights' metadata, and
the median CPU latency of one 224x224 image (batch 1) over N timed runs after the
warm-up. No weights file is needed: speed does not depend on the weights' values.
EfficientNet-Lite0 (tf_efficientnet_lite0, the network installed with the course)
has no torchvision metadata: its file size is the packaged file's, its GFLOPs are
measured with FlopCounterMode, its accuracy is timm's published result.
The measuring is helpers.pretrained.compare_architectures, which
06-pretrained-classification uses too.
"""

import argparse
import platform

import torch

from helpers import pretrained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first")
    parser.add_argument(
        "names",
        nargs="*",
        default=list(pretrained.ARCHITECTURES),
        help="torchvision model names or tf_efficientnet_lite0 (default: the "
        "lesson's seven)",
    )
    args = parser.parse_args()
    print(
        f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} "
        f"threads, torch {torch.__version__}; median of {args.runs} runs after "
        f"{args.warmup} warm-up"
    )
    rows = pretrained.compare_architectures(
        args.names, warmup=args.warmup, runs=args.runs
    )
    print(pretrained.format_table(rows))


if __name__ == "__main__":
    main()
