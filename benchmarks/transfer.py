"""Scratch, feature extraction and fine-tuning on the target task, measured.

    python benchmarks/transfer.py [--k 5 10 25] [--seeds 5] [--choose]

The target task (helpers.training.load_transfer_data): which of 10 bundled photos
a grey 48x48 patch comes from, from k labelled patches per photo. Three ways to
learn it: a small CNN from scratch; feature extraction (EfficientNet-Lite0 with
its ImageNet weights frozen, a new linear head); fine-tuning (its last block and
conv_head from the ImageNet weights, a new head). With --choose, each mode's
learning rate is first chosen on the validation patches at every k
(training.choose_learning_rates) and recorded in helpers/transfer-rates.json,
which 07-transfer-learning reads; without it, the recorded rates are used.
Prints the selection, test accuracy as mean ± std over the seeds, and the
paired per-seed differences with their standard errors.
"""

import argparse
import platform
import time

import torch

from helpers import training


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--k", type=int, nargs="+", default=[5, 10, 25], help="labels per class"
    )
    parser.add_argument("--seeds", type=int, default=5, help="seeds per setting")
    parser.add_argument(
        "--choose",
        action="store_true",
        help="choose the learning rates on validation and record them",
    )
    args = parser.parse_args()
    data = training.load_transfer_data()
    print(
        f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} "
        f"threads, torch {torch.__version__}; {len(data.photos)} target photos, "
        f"{len(data.y_test)} test patches; seeds 0..{args.seeds - 1}"
    )
    start = time.perf_counter()
    task = training.prepare_task(data)
    if args.choose:
        chosen, selection = {}, []
        for k in args.k:
            chosen[k], runs = training.choose_learning_rates(task, k)
            selection += runs
            print(f"k={k}: mean validation accuracy per learning rate (* chosen)")
            print(training.format_selection(training.selection_rows(runs), chosen[k]))
        training.save_chosen_rates(chosen, selection)
        print(f"recorded in {training.CHOSEN_RATES_PATH}")
    else:
        chosen, _ = training.load_chosen_rates()
    results = training.compare_transfer(
        task, chosen, ks=args.k, seeds=range(args.seeds)
    )
    print(training.format_comparison(training.summarise(results)))
    for a, b in [
        ("feature extraction", "scratch"),
        ("fine-tuning", "scratch"),
        ("fine-tuning", "feature extraction"),
    ]:
        for difference in training.paired_differences(results, a, b):
            print(difference)
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
