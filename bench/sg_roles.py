"""Experiment: what makes our skip-gram's quality differ from gensim's? Two suspects:

1. Roles. Does predicting the context from the centre (ours) or the centre from the context
   (word2vec.c / gensim) change skip-gram's quality?
2. Clipping. gensim skips every scored row whose score is outside (-6, 6) (MAX_EXP); we apply the
   exact gradient. The "clipped" variant is our kernel with g = 0 for such rows (the one line
   `g[j] = p - labels[j]` replaced, compiled here; engine/ is untouched).
3. Initialisation. gensim 4's prep_vectors draws W_in uniformly in [-1/d, 1/d); word2vec.c and our
   engine in [-0.5/d, 0.5/d). The "init x2" variant doubles W_in after build_vocab.

Our skip-gram example has inputs = [centre] and target = a context word (the lecture note's
direction); word2vec.c and gensim train the context word's input vector to predict the centre. Over
a symmetric window both visit the same pairs, but the order of the updates differs (ours updates
one W_in row 2r times in a row; gensim updates 2r different W_in rows against one output row). This
script trains skip-gram both ways on the same stream, plus gensim, over 3 seeds, and prints the
Spearman / analogy medians.

How: the "swapped" variant wraps model.stream.chunk so that every skip-gram chunk has its inputs
and targets exchanged (dataclasses.replace; each example still has one input and one target, the
learning rate and the negatives are unchanged; a negative may now equal the new target, which
gensim would skip; that is rare, about 5/V of the examples). Nothing in engine/ changes.
Results: bench/sg_roles.json and a printed table.

    .venv/bin/python bench/sg_roles.py            # a couple of minutes
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for p in (str(ROOT), str(BENCH)):
    if p not in sys.path:
        sys.path.insert(0, p)

from compare_gensim import (COMMON, CORPORA, STEMMED, TokenFile, benchmark_lists, evaluate, stemmed_lists,  # noqa: E402
                            use_engine_rev, write_token_file)


def swap_roles(chunk):
    """The same skip-gram chunk with each example's input (centre) and target (context) exchanged."""
    assert np.array_equal(chunk.input_ptr, np.arange(len(chunk.targets) + 1)), "skip-gram chunks only"
    inputs = np.array(chunk.targets, dtype=np.int32)
    targets = np.array(chunk.input_ids, dtype=np.int32)
    inputs.setflags(write=False)
    targets.setflags(write=False)
    return dataclasses.replace(chunk, input_ids=inputs, targets=targets)


def patched_kernel(old: str, new: str):
    """engine.fast's kernel with the one line `old` replaced by `new`, compiled here (not cached)."""
    from numba import njit

    from engine import fast

    src = inspect.getsource(fast._kernel)
    if src.count(old) != 1:
        raise RuntimeError(f"engine/fast.py's kernel no longer has exactly one {old!r}; update this experiment")
    ns = dict(vars(fast))          # the kernel's helpers (compiled row updates, constants) as globals
    exec(src.replace(old, new), ns)
    return njit(nogil=True, fastmath={"reassoc", "contract"})(ns["_kernel"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", default="head500")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", default=str(BENCH / "sg_roles.json"))
    ap.add_argument("--engine-rev", default=None,
                    help="use engine/ as committed at this git revision (e.g. HEAD) instead of the working tree")
    args = ap.parse_args(argv)
    engine_commit = use_engine_rev(args.engine_rev)

    import logging

    logging.disable(logging.WARNING)
    from gensim.models import Word2Vec as GWord2Vec

    from engine import Word2Vec, fast, gensim_data_path

    exact = fast._kernel_compiled
    # gensim (word2vec_inner.pyx) skips a scored row entirely when its score is <= -6 or >= 6
    # (MAX_EXP): no W_out update and no contribution to the input's gradient. For NS and HS alike.
    clipped = patched_kernel("g[j] = p - labels[j]", "g[j] = 0.0 if abs(s) >= 6.0 else p - labels[j]")

    work = Path(tempfile.mkdtemp(prefix="w2v_sgroles_"))
    evals = benchmark_lists()
    stemmed, _ = stemmed_lists(evals, work)
    rows = []
    for corpus in args.corpora.split(","):
        tok = work / f"{corpus}.tok"
        write_token_file(gensim_data_path(CORPORA[corpus]), tok)
        sentences = TokenFile(tok)
        ev = stemmed if corpus in STEMMED else evals
        for objective in ("negative_sampling", "hierarchical_softmax"):
            res = {}
            for variant in ("ours: centre -> context", "swapped: context -> centre",
                            "ours, no update where |score| >= 6", "ours, W_in init x2 (gensim 4's)", "gensim"):
                scores = []
                for seed in range(1, args.seeds + 1):
                    if variant == "gensim":
                        g = GWord2Vec(vector_size=100, window=5, min_count=5, sample=1e-3, alpha=0.025,
                                      min_alpha=1e-4, sg=1, hs=int(objective == "hierarchical_softmax"),
                                      negative=5 if objective == "negative_sampling" else 0,
                                      epochs=COMMON["epochs"], seed=seed, workers=1)
                        g.build_vocab(corpus_iterable=sentences)
                        g.train(corpus_iterable=sentences, total_examples=g.corpus_count, epochs=g.epochs)
                        keys, vecs = g.wv.index_to_key, g.wv.vectors
                    else:
                        m = Word2Vec(architecture="skipgram", objective=objective, vector_size=100, window=5,
                                     negative=5, sample=1e-3, min_count=5, alpha=0.025, min_alpha=1e-4,
                                     epochs=COMMON["epochs"], seed=seed, workers=1)
                        m.build_vocab(sentences)
                        if "init" in variant:
                            m.W_in *= 2.0           # in place: gensim 4 draws W_in in [-1/d, 1/d), not +-0.5/d
                        fast._kernel_compiled = clipped if "|score|" in variant else exact
                        if variant.startswith("swapped"):
                            original = m.stream.chunk
                            m.stream.chunk = lambda seq, original=original: (
                                None if (c := original(seq)) is None else swap_roles(c))
                        try:
                            m.train()
                        finally:
                            fast._kernel_compiled = exact
                        keys, vecs = m.wv.index_to_key, m.W_in
                    q = evaluate(keys, vecs, ev)
                    scores.append({"ws353": q["ws353"]["spearman"], "simlex": q["simlex"]["spearman"],
                                   "analogy": q["analogy"]["accuracy"]})
                res[variant] = {k: {"median": statistics.median(x[k] for x in scores),
                                    "min": min(x[k] for x in scores), "max": max(x[k] for x in scores)}
                                for k in ("ws353", "simlex", "analogy")}
            rows.append({"corpus": corpus, "objective": objective, **res})
            print(f"{corpus} SG-{'NS' if objective == 'negative_sampling' else 'HS'}: " + "  |  ".join(
                f"{v}: WS {res[v]['ws353']['median']:.3f} SL {res[v]['simlex']['median']:.3f} "
                f"an {res[v]['analogy']['median']:.3f}" for v in res), flush=True)
    Path(args.out).write_text(json.dumps({"engine_commit": engine_commit, "seeds": args.seeds, "rows": rows}, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
