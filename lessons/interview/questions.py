"""Interview prep, part 3: the question table, scoring against the experiment, progress codes, mock picks.

What it does: QUESTIONS lists the 21 questions in order: what the candidate predicts (fields: a
number with a stated tolerance, or a choice), which experiment answers it (parts 1 and 2), which page
teaches it, and whether it trains models (heavy: run behind a button with progress). `score` compares
a prediction with the answer the experiment *measured* (result["truth"]), never with a stored one.
`encode_progress` / `decode_progress` turn the answered questions into a short URL-safe code
(?iq=...) and back; `mock_questions` picks the five questions of a mock interview from a seed.
What it does not do: hold any text a user reads (ui/texts/*/interview.toml does), or draw.

    >>> q = QUESTION_BY_ID["num_skips"]
    >>> score(q, {"pairs": 16}, {"truth": {"pairs": 16}})["right"]
    True
    >>> decode_progress(encode_progress({"tied": {"p": {"breaks": "self"}, "ok": True}}))
    {'tied': {'p': {'breaks': 'self'}, 'ok': True}}
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from lessons.interview import architectures as iv_architectures
from lessons.interview import basics as iv_basics
from lessons.interview import beyond as iv_beyond
from lessons.interview import geometry as iv_geometry
from lessons.interview import limits as iv_limits
from lessons.interview import objectives as iv_objectives
from lessons.interview import setup as iv_setup
from lessons.interview import training as iv_training


@dataclass(frozen=True)
class Field:
    """One thing the candidate predicts. kind "number": right when |prediction - measured| <= tolerance,
    tolerance = max(tol_abs, tol_rel * |measured|); kind "choice": right when it equals the measured choice."""
    name: str
    kind: str                              # "number" or "choice"
    choices: Tuple[str, ...] = ()
    tol_abs: float = 0.0
    tol_rel: float = 0.0
    low: Optional[float] = None            # the number input's bounds and step
    high: Optional[float] = None
    step: float = 1.0
    integer: bool = False

    def tolerance(self, measured: float) -> float:
        return max(self.tol_abs, self.tol_rel * abs(measured))

    def valid(self, value) -> bool:
        """Whether value is a possible prediction (a listed choice; a finite number within the bounds)."""
        if self.kind == "choice":
            return value in self.choices
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        try:
            if not math.isfinite(value):          # math.isfinite(10**400) raises OverflowError
                return False
        except OverflowError:
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True)
class Question:
    id: str
    fields: Tuple[Field, ...]
    run: Callable                          # run(setup, progress, sentence) -> result dict with "truth"
    page: str                              # the page that teaches it in depth
    heavy: bool = False                    # trains models: behind a button, with progress
    uses_corpus: bool = True               # the answer depends on the chosen corpus
    needs_groups: bool = False             # needs a corpus with semantic groups (sample corpora)
    facts: Optional[Callable] = None       # facts(setup) -> the question text's own values (cheap: nothing trained)


def _num(name, tol_abs=0.0, tol_rel=0.0, low=None, high=None, step=1.0, integer=False) -> Field:
    return Field(name, "number", (), tol_abs, tol_rel, low, high, step, integer)


def _choice(name, *choices) -> Field:
    return Field(name, "choice", tuple(choices))


COUNT = dict(low=0, high=1_000_000, step=1.0, integer=True)


ARCH = ("skipgram", "cbow", "either")


KIND = ("syntactic", "topical", "either")


OBJ = ("hs", "ns", "either")


QUESTIONS: List[Question] = [
    Question("one_hot", (_num("cos", 0.05, 0, -1, 1, 0.05), _choice("closer", "yes", "no")),
             lambda s, p, x: iv_basics.one_hot_vs_dense(s, p), "pages/07_embedding_space.py", heavy=True),
    Question("examples", (_num("cbow", **COUNT), _num("skipgram", **COUNT)),
             lambda s, p, x: iv_basics.examples_per_sentence(s), "pages/03_windows.py"),
    Question("num_skips", (_num("pairs", **COUNT),),
             lambda s, p, x: iv_basics.num_skips_pairs(x), "pages/03_windows.py", uses_corpus=False),
    Question("small_large", (_choice("small", *ARCH), _choice("large", *ARCH)),
             lambda s, p, x: iv_architectures.small_vs_large(progress=p), "pages/09_compare.py", heavy=True, uses_corpus=False),
    Question("rare", (_choice("better", *ARCH),),
             lambda s, p, x: iv_architectures.rare_words(progress=p), "pages/09_compare.py", heavy=True, uses_corpus=False),
    Question("dots", (_num("softmax", **COUNT), _num("hs", 1.0, 0, 0, 1_000, 0.5), _num("ns", **COUNT)),
             lambda s, p, x: iv_objectives.dot_products(s), "pages/04_step.py"),
    Question("huffman", (_num("top", 1.0, **COUNT), _num("rare", 1.0, **COUNT),
                         _choice("average", "shorter", "about", "longer")),
             lambda s, p, x: iv_objectives.huffman_codes(s), "pages/05_hierarchical_softmax.py"),
    Question("hs_sum", (_choice("sum", "one", "less", "more", "depends"),),
             lambda s, p, x: iv_objectives.hs_probability_sum(s), "pages/05_hierarchical_softmax.py"),
    Question("ns_rows", (_num("out", **COUNT), _num("in", **COUNT)),
             lambda s, p, x: iv_objectives.ns_rows_changed(s), "pages/06_negative_sampling.py"),
    Question("sigma", (_choice("target", "up", "down", "same"), _choice("negatives", "down", "up", "mixed")),
             lambda s, p, x: iv_objectives.sigma_after_step(s), "pages/04_step.py"),
    Question("orthogonal", (_num("sigma", 0.01, 0, 0, 1, 0.05), _num("coef", 0.02, 0, -5, 5, 0.05)),
             lambda s, p, x: iv_objectives.orthogonal_negative(s), "pages/06_negative_sampling.py", uses_corpus=False),
    Question("power", (_num("e1", 0.1, 0.2, 0, 100, 0.05), _num("e075", 0.1, 0.2, 0, 100, 0.05),
                       _num("e0", 0.1, 0.2, 0, 100, 0.05)),
             lambda s, p, x: iv_objectives.noise_shares(s), "pages/06_negative_sampling.py"),
    Question("subsampling", (_num("keep", 2.0, 0.2, 0, 100, 0.5), _choice("relation", "c_more", "paper_more", "same")),
             lambda s, p, x: iv_training.keep_probability(s), "pages/02_corpus.py"),
    Question("tied", (_choice("breaks", "self", "nothing", "diverges"),),
             lambda s, p, x: iv_training.tied_matrices(s, progress=p), "pages/04_step.py", heavy=True),
    Question("pmi", (_num("r", 0.15, 0, -1, 1, 0.05),),
             lambda s, p, x: iv_geometry.shifted_pmi(s, progress=p), "pages/06_negative_sampling.py", heavy=True),
    Question("big_lr", (_choice("outcome", "better", "worse", "same"),),
             lambda s, p, x: iv_training.learning_rate_too_large(s, progress=p), "pages/07_embedding_space.py", heavy=True),
    Question("neighbours", (_choice("best", "one_hot", "counts", "word2vec", "tie"),),
             lambda s, p, x: iv_geometry.neighbours_three_ways(s, progress=p), "pages/08_explore.py", heavy=True,
             needs_groups=True),
    # beyond Word2Vec (lessons/interview/beyond.py; texts in interview.beyond.toml)
    Question("fasttext", (_choice("w2v", "yes", "no"), _choice("fasttext", "yes", "no"), _choice("close", "yes", "no")),
             lambda s, p, x: iv_beyond.fasttext_oov(s, p), "pages/08_explore.py", heavy=True,
             facts=iv_beyond.fasttext_facts),
    Question("svd", (_choice("better", "sgns", "svd", "either"),),
             lambda s, p, x: iv_beyond.sgns_vs_svd(s, progress=p), "pages/08_explore.py", heavy=True,
             needs_groups=True, facts=iv_beyond.svd_facts),
    Question("nce", (_choice("normalised", "nce", "ns", "both", "neither"),),
             lambda s, p, x: iv_beyond.nce_vs_ns(s, progress=p), "pages/06_negative_sampling.py", heavy=True),
    Question("tying", (_choice("mapped", "fixes", "still"),),
             lambda s, p, x: iv_beyond.tying_with_a_map(s, progress=p), "pages/04_step.py", heavy=True),
    # limits of one vector per word, the kind of similarity, HS against NS, vector length (limits.py)
    Question("polysemy", (_choice("lands", "one", "between", "neither"),),
             lambda s, p, x: iv_limits.polysemy(progress=p), "pages/08_explore.py", heavy=True, uses_corpus=False,
             facts=iv_limits.polysemy_facts),
    Question("window_kind", (_choice("small", *KIND), _choice("large", *KIND)),
             lambda s, p, x: iv_limits.window_kind(progress=p), "pages/03_windows.py", heavy=True, uses_corpus=False,
             facts=iv_limits.window_facts),
    Question("hs_ns", (_choice("rare", *OBJ), _choice("frequent", *OBJ)),
             lambda s, p, x: iv_limits.hs_vs_ns(progress=p), "pages/05_hierarchical_softmax.py", heavy=True,
             uses_corpus=False, facts=iv_limits.hsns_facts),
    Question("norms", (_choice("norm", "longer", "shorter", "none"), _choice("dim", "higher", "same", "lower")),
             lambda s, p, x: iv_limits.norms_and_dimension(s, progress=p), "pages/07_embedding_space.py", heavy=True,
             facts=iv_limits.norm_facts),
    # word2vec.c's numerics (training.py)
    Question("numerics", (_choice("quality", "table_better", "same", "table_worse"),
                          _choice("overflow", "exact", "word2vec", "both", "neither")),
             lambda s, p, x: iv_training.word2vec_numerics(s, progress=p), "pages/04_step.py", heavy=True,
             facts=iv_training.numerics_facts),
]


QUESTION_BY_ID: Dict[str, Question] = {q.id: q for q in QUESTIONS}


QUESTION_IDS: Tuple[str, ...] = tuple(q.id for q in QUESTIONS)


def number(qid: str) -> int:
    """The question's number in the walkthrough, from 1: number("one_hot") -> 1"""
    return QUESTION_IDS.index(qid) + 1


def run(question: Question, setup: iv_setup.Setup, progress: iv_setup.Progress = None, sentence: Sequence[str] = ()) -> dict:
    """Run the question's experiment on the corpus; the result's "truth" holds the measured answer per field."""
    result = question.run(setup, progress, list(sentence))
    missing = [f.name for f in question.fields if f.name not in result["truth"]]
    if missing:                                            # a table error, not a user's: fail loudly
        raise KeyError(f"{question.id}: the experiment measured no answer for {missing}")
    return result


def facts(question: Question, setup: iv_setup.Setup, sentence: Sequence[str] = ()) -> dict:
    """What the interviewer tells the candidate before the prediction (the question text's values):
    the corpus's V, T and most frequent / rarest word, plus the question's own (its sentence, its words).
    Cheap: nothing is trained."""
    out = {"k": 5, "window": 2, "base": 0.025, "big": 2.5}
    if question.uses_corpus:
        out.update(iv_setup.corpus_facts(setup))
    if question.id == "one_hot":
        out.update(zip("abc", iv_basics.three_words(setup, iv_setup.vocabulary(setup))))
    elif question.id == "examples":
        words = iv_basics.pick_sentence(setup)
        out.update(sentence=" ".join(words), n=len(words))
    elif question.id == "num_skips":
        out.update(sentence=" ".join(sentence), n=len(sentence), num_skips=2)
    elif question.id in ("small_large", "rare"):
        out.update(small_tokens=iv_architectures.SMALL_TOKENS, large_tokens=iv_architectures.LARGE_TOKENS, rare_tokens=iv_architectures.RARE_TOKENS,
                   seeds=len(iv_architectures.SEEDS), cbow_rule=iv_architectures.cbow_rule())
    elif question.id == "pmi":
        out.update(iv_geometry.pmi_conditions(setup))
    if question.facts is not None:
        out.update(question.facts(setup))
    if question.id == "neighbours":
        vocab = iv_setup.vocabulary(setup)
        groups = setup.groups or {}
        out["word"] = next((w for w in vocab.index_to_key if w in groups), vocab.index_to_key[0])
    return out


# ------------------------------------------------------------------------------------------ scoring
def score_field(field: Field, predicted, measured) -> bool:
    """Is one prediction right against the measured value?

    >>> score_field(_num("x", 1.0, 0.2), 11.5, 10.0), score_field(_num("x", 1.0, 0.2), 12.5, 10.0)
    (True, False)
    """
    if predicted is None:
        return False
    if field.kind == "choice":
        return predicted == measured
    if measured is None or not math.isfinite(float(measured)):
        return False
    return abs(float(predicted) - float(measured)) <= field.tolerance(float(measured)) + 1e-9


def score(question: Question, prediction: Dict[str, object], result: dict) -> dict:
    """{"fields": {name: right?}, "right": all fields right} for a prediction against the experiment's result."""
    fields = {f.name: score_field(f, prediction.get(f.name), result["truth"].get(f.name)) for f in question.fields}
    return {"fields": fields, "right": all(fields.values())}


def complete(question: Question, prediction: Dict[str, object]) -> List[str]:
    """The fields still missing or impossible in a prediction (empty when it can be scored)."""
    return [f.name for f in question.fields if not f.valid(prediction.get(f.name))]


# ------------------------------------------------------------------------------------------ progress codes
CODE_VERSION = "1"


def encode_progress(answers: Dict[str, dict]) -> str:
    """Answered questions -> a short URL-safe code: {qid: {"p": prediction, "ok": right}} in question order."""
    compact = {}
    for qid in QUESTION_IDS:
        a = answers.get(qid)
        if a is not None:
            compact[str(number(qid))] = [a["p"].get(f.name) for f in QUESTION_BY_ID[qid].fields] + [int(bool(a["ok"]))]
    raw = json.dumps(compact, separators=(",", ":")).encode()
    return CODE_VERSION + base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


MAX_CODE_JSON = 20_000          # bytes of JSON a code may inflate to (all questions answered: well under 2,000)


def _small_int(text: str) -> int:
    """JSON integers of at most 15 digits (a prediction); 10**400 would overflow float() when it is scored."""
    if len(text.lstrip("-")) > 15:
        raise ValueError(f"an integer of {len(text)} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):                 # 1e400 reads as inf
        raise ValueError(f"{text[:20]} is not a finite number")
    return value


def _no_constant(text: str):
    raise ValueError(f"{text} is not a number a prediction can hold")


def decode_progress(code: Optional[str]) -> Dict[str, dict]:
    """A code from encode_progress -> the answered questions; anything malformed is left out (never raises).

    >>> decode_progress("not a code"), decode_progress(None)
    ({}, {})
    """
    if not code or not isinstance(code, str) or not code.startswith(CODE_VERSION) or len(code) > 4000:
        return {}
    body = code[len(CODE_VERSION):]
    try:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), MAX_CODE_JSON)
        if inflate.unconsumed_tail or not inflate.eof:      # a code that inflates beyond any real one (a zip bomb)
            return {}
        compact = json.loads(raw.decode(), parse_int=_small_int, parse_float=_finite_float,
                             parse_constant=_no_constant)
    except (ValueError, zlib.error, UnicodeDecodeError, RecursionError):   # RecursionError: [[[[...]]]] nested deep
        return {}
    if not isinstance(compact, dict):
        return {}
    out = {}
    for key, values in compact.items():
        if not (isinstance(key, str) and key.isdigit() and 1 <= int(key) <= len(QUESTIONS)):
            continue
        q = QUESTIONS[int(key) - 1]
        if not isinstance(values, list) or len(values) != len(q.fields) + 1 or values[-1] not in (0, 1):
            continue
        if not all(v is None or isinstance(v, (str, int, float)) for v in values):   # no nested lists or objects
            continue
        prediction = dict(zip((f.name for f in q.fields), values[:-1]))
        if complete(q, prediction):
            continue
        out[q.id] = {"p": prediction, "ok": bool(values[-1])}
    return out


# ------------------------------------------------------------------------------------------ mock interview
MOCK_QUESTIONS = 5


MOCK_SECONDS = 10 * 60


def mock_questions(seed: int, n: int = MOCK_QUESTIONS) -> List[str]:
    """n different questions drawn with the seed, in walkthrough order.

    >>> mock_questions(3) == mock_questions(3), len(set(mock_questions(3)))
    (True, 5)
    """
    picks = np.random.default_rng(seed).choice(len(QUESTIONS), size=min(n, len(QUESTIONS)), replace=False)
    return [QUESTION_IDS[i] for i in sorted(int(x) for x in picks)]
