"""One PyTorch thread for small work: the widgets' tiny tensors and unit 07's small
training batches."""

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run PyTorch on one thread inside the block, then restore the thread count.

    Small tensors are done in well under a millisecond on one thread, while waking
    a pool of threads can take tens of milliseconds (far more on a busy machine),
    and small training batches run many times faster than on two threads that wait
    for each other and for any other program on the cores.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
