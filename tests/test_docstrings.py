"""The >>> examples in the engine's docstrings run and give what they say."""

import doctest
import importlib

import pytest

MODULES = ["engine.corpus", "engine.vocab", "engine.huffman", "engine.examples", "engine.model",
           "engine.keyed_vectors", "engine.objectives"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
