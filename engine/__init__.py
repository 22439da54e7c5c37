"""The Word2Vec engine: NumPy (plus a compiled fast path), never Streamlit.

Glossary, from the lecture note to word2vec.c and gensim:
  W_in   = the note's W      = word2vec.c's syn0            = gensim's wv.vectors      (V, d)
  W_out  = the note's W'     = syn1neg (negative sampling)  = gensim's syn1neg         (V, d)
           (for hierarchical softmax: the internal nodes' vectors, syn1)                (V-1, d)
  h      = the hidden layer  = neu1 in word2vec.c (CBOW)
  window = the note's skip_window;  num_skips = how many context words per center (skip-gram)
"""

from .config import ARCHITECTURES, OBJECTIVES, SETTINGS, Config, SettingTypeError, coerce_setting
from .corpus import (Corpus, read_corpus, sample_corpora, sentences_from_bytes, sentences_from_text,
                     tokenize, gensim_data_path)
from .chunk import Chunk
from .examples import ExampleStream, StreamCursor, context_pairs, learning_rate
from .huffman import HuffmanTree, build_huffman, leaf_probabilities
from .keyed_vectors import KeyedVectors, load_word2vec_format, parse_word2vec_bytes
from .model import Word2Vec
from .objectives import (ARCHITECTURE_TABLE, OBJECTIVE_FUNCTIONS, OBJECTIVE_TABLE, binary_logistic_loss, model_name,
                         output_rows, softmax_loss)
from .step import StepTrace
from .update import TrainingDiverged, UpdateRule
from .vocab import NoiseTable, Vocabulary, alias_draw, alias_table
from .corpus import EncodedCorpus, decode_corpus_bytes, encode_text, sample_analogies, sample_groups
from .encoding import decode_text, encoding_label
from .segment import SEGMENTERS, looks_unsegmented, tokens_per_type

__all__ = [
    "ARCHITECTURES", "OBJECTIVES", "Config", "Corpus", "read_corpus", "sample_corpora",
    "sentences_from_bytes", "sentences_from_text", "tokenize", "gensim_data_path", "Chunk",
    "ExampleStream", "context_pairs", "learning_rate", "HuffmanTree", "build_huffman",
    "leaf_probabilities", "KeyedVectors", "load_word2vec_format", "parse_word2vec_bytes", "Word2Vec",
    "OBJECTIVE_FUNCTIONS", "binary_logistic_loss", "output_rows", "softmax_loss", "StepTrace",
    "TrainingDiverged", "Vocabulary", "alias_table", "alias_draw", "SETTINGS", "SettingTypeError",
    "coerce_setting", "StreamCursor", "ARCHITECTURE_TABLE", "OBJECTIVE_TABLE", "model_name", "UpdateRule",
    "NoiseTable", "EncodedCorpus", "encode_text", "decode_corpus_bytes", "sample_analogies", "sample_groups", "decode_text", "encoding_label",
    "SEGMENTERS", "looks_unsegmented", "tokens_per_type",
]
