"""What the engine's trainer tests share: the royalty sample corpus, a warmed compiled trainer, and stepping a
model to the end of its training (the transparent trainer the compiled one is compared with)."""

from __future__ import annotations

import pytest

from engine import fast, read_corpus, sample_corpora


@pytest.fixture(scope="module")
def royalty():
    return list(read_corpus(sample_corpora()["royalty"]))


@pytest.fixture(scope="module")
def fast_warm():
    """Compile the fast kernels once before a module's tests (a test module asks for it with usefixtures)."""
    fast.warm_up()


def step_until_complete(m):
    """step() until training is complete; the model."""
    while not m.training_complete:
        m.step()
    return m
