"""Experiment: how much does dividing CBOW's input update by the number of context words cost?

Our step() (and so the fast path) applies the exact gradient of the CBOW mean: each context row gets
-lr * grad_hidden / n_in. word2vec.c and gensim (cbow_mean=1) add -lr * grad_hidden to every context
row without dividing, i.e. a learning rate on W_in about n_in times larger (n_in averages ~5 at
window 5 with shrinking windows). This script trains CBOW both ways with the same stream, plus gensim,
over 3 seeds, and prints the Spearman / analogy medians, so the quality gap can be attributed. A
third variant also starts W_in as gensim 4 does, uniform in [-1/d, 1/d) (twice word2vec.c's and our
range; see bench/sg_roles.py for that effect on skip-gram).

How: the "undivided" variant is the engine's cbow_update="word2vec" (added to the engine after this
experiment showed the gap; at first it patched the kernel's source here). Results go to bench/cbow_gradient.json and are printed as a table.
What it does not do: time anything (compare_gensim.py does), or change the engine.

    .venv/bin/python bench/cbow_gradient.py            # a few minutes
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for p in (str(ROOT), str(BENCH)):
    if p not in sys.path:
        sys.path.insert(0, p)

from compare_gensim import (COMMON, CORPORA, STEMMED, TokenFile, benchmark_lists, evaluate, stemmed_lists,  # noqa: E402
                            use_engine_rev, write_token_file)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", default="head500,lee")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=COMMON["epochs"])
    ap.add_argument("--out", default=str(BENCH / "cbow_gradient.json"))
    ap.add_argument("--engine-rev", default=None,
                    help="use engine/ as committed at this git revision (e.g. HEAD) instead of the working tree")
    args = ap.parse_args(argv)
    engine_commit = use_engine_rev(args.engine_rev)

    import logging

    logging.disable(logging.WARNING)
    from gensim.models import Word2Vec as GWord2Vec

    from engine import Word2Vec, gensim_data_path

    work = Path(tempfile.mkdtemp(prefix="w2v_cbowgrad_"))
    evals = benchmark_lists()
    stemmed, _ = stemmed_lists(evals, work)

    rows = []
    for corpus in args.corpora.split(","):
        tok = work / f"{corpus}.tok"
        write_token_file(gensim_data_path(CORPORA[corpus]), tok)
        sentences = TokenFile(tok)
        ev = stemmed if corpus in STEMMED else evals
        for objective in ("negative_sampling", "hierarchical_softmax"):
            for alpha in (0.025, 0.05):
                res = {}
                for variant in ("ours (divided)", "ours undivided", "ours undivided, W_in init x2", "gensim"):
                    scores = []
                    for seed in range(1, args.seeds + 1):
                        t = time.perf_counter()
                        if variant == "gensim":
                            g = GWord2Vec(vector_size=100, window=5, min_count=5, sample=1e-3, alpha=alpha,
                                          min_alpha=1e-4, sg=0, hs=int(objective == "hierarchical_softmax"),
                                          negative=5 if objective == "negative_sampling" else 0, cbow_mean=1,
                                          epochs=args.epochs, seed=seed, workers=1)
                            g.build_vocab(corpus_iterable=sentences)
                            g.train(corpus_iterable=sentences, total_examples=g.corpus_count, epochs=g.epochs)
                            keys, vecs = g.wv.index_to_key, g.wv.vectors
                        else:
                            m = Word2Vec(architecture="cbow", objective=objective, vector_size=100, window=5,
                                         negative=5, sample=1e-3, min_count=5, alpha=alpha, min_alpha=1e-4,
                                         epochs=args.epochs, seed=seed, workers=1,
                                         cbow_update="exact" if variant == "ours (divided)" else "word2vec")
                            m.build_vocab(sentences)
                            if "init x2" in variant:
                                m.W_in *= 2.0   # twice the initial range
                            m.train()
                            keys, vecs = m.wv.index_to_key, m.W_in
                        q = evaluate(keys, vecs, ev)
                        scores.append({"ws353": q["ws353"]["spearman"], "simlex": q["simlex"]["spearman"],
                                       "analogy": q["analogy"]["accuracy"], "s": time.perf_counter() - t})
                    res[variant] = {k: {"median": statistics.median(x[k] for x in scores),
                                        "min": min(x[k] for x in scores), "max": max(x[k] for x in scores)}
                                    for k in ("ws353", "simlex", "analogy")}
                    res[variant]["seeds"] = scores
                row = {"corpus": corpus, "objective": objective, "alpha": alpha, **res}
                rows.append(row)
                print(f"{corpus:8s} CBOW-{'NS' if objective == 'negative_sampling' else 'HS'} alpha {alpha}: " +
                      "  |  ".join(f"{v}: WS {res[v]['ws353']['median']:.3f} SL {res[v]['simlex']['median']:.3f} "
                                   f"an {res[v]['analogy']['median']:.3f}" for v in res), flush=True)
    Path(args.out).write_text(json.dumps({"engine_commit": engine_commit, "epochs": args.epochs, "seeds": args.seeds,
                                          "stemmed_lists_for": sorted(STEMMED), "rows": rows}, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
