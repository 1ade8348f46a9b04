"""Does the course backbone help on a new task with few labels? Measured.

    python benchmarks/transfer.py [--k 5 10 25] [--seeds 3]

Trains the target texture task (10 photos the backbone never saw) from k labelled
patches per photo in three ways: from scratch, by feature extraction (the
pretrained backbone frozen, a new linear head), and by fine-tuning (every weight,
the backbone at a tenth of the head's learning rate, its batch-norm statistics
frozen). Prints test accuracy as mean ± standard deviation over the seeds, the
trainable parameters and the wall time of one run. The measuring is
helpers.training.compare_transfer, which 07-transfer-learning runs too.
"""

import argparse
import platform
import time

import torch

from helpers import textures, training


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--k", type=int, nargs="+", default=[5, 10, 25], help="labels per class"
    )
    parser.add_argument("--seeds", type=int, default=3, help="seeds per setting")
    args = parser.parse_args()
    torch.use_deterministic_algorithms(True)
    backbone = textures.load_backbone()
    data = training.load_transfer_data()
    print(
        f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} "
        f"threads, torch {torch.__version__}; {len(data.photos)} target photos, "
        f"{len(data.y_test)} test patches; seeds 0..{args.seeds - 1}"
    )
    start = time.perf_counter()
    results = training.compare_transfer(
        backbone, data, ks=args.k, seeds=range(args.seeds)
    )
    print(training.format_comparison(training.summarise(results)))
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
