"""Experiment: how much does dividing CBOW's input update by the number of context words cost?

Our step() (and so the fast path) applies the exact gradient of the CBOW mean: each context row gets
-lr * grad_hidden / n_in. word2vec.c and gensim (cbow_mean=1) add -lr * grad_hidden to every context
row without dividing, i.e. a learning rate on W_in about n_in times larger (n_in averages ~5 at
window 5 with shrinking windows). This script trains CBOW both ways with the same stream, plus gensim,
over 3 seeds, and prints the Spearman / analogy medians, so the quality gap can be attributed.
(Until the engine adopted gensim 4's initialisation, W_in uniform in [-1/d, 1/d), a third variant
doubled W_in after build_vocab; the tables in RESULTS.md from engine a891e79 still show it.)

How: the "undivided" variant is the engine's cbow_update="word2vec" (added to the engine after this
experiment showed the gap; at first it patched the kernel's source here). The raw results go to
bench/out/cbow_gradient.json, the table to its section of bench/RESULTS.md (--render-only: the
section again from the JSON).
What it does not do: time anything (compare_gensim.py does), or change the engine.

    .venv/bin/python bench/cbow_gradient.py            # a few minutes
    .venv/bin/python bench/cbow_gradient.py --corpora lee --seeds 1 --epochs 1 --out-dir /tmp/w2v_cbow   # quick
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import (BENCH, GENSIM_CORPORA, OUT, STEMMED, TokenFile, benchmark_lists, dump_json, evaluate,
                      gensim_file, load_json, md_table, stemmed_lists, use_engine_rev, write_section, write_token_file)

EPOCHS = 5                 # as compare_gensim.py's settings
VARIANTS = ("ours (divided)", "ours undivided", "gensim")


def render(data: dict) -> str:
    """The section of RESULTS.md: median Spearman / analogy accuracy per corpus, model and variant."""
    L = ["## CBOW: dividing the input update by the number of context words (experiment, workers 1, "
         f"{data.get('seeds', 3)} seeds, medians)", "",
         "Each variant changes one thing in our trainer for the experiment only (engine/ is untouched); "
         "the settings of the gensim comparison above; head500 scored on the stemmed lists. "
         "`bench/cbow_gradient.py`" + (f" (engine {data['engine_commit']})" if data.get("engine_commit") else "")
         + ":", ""]
    rows = []
    for row in data["rows"]:
        model = f"CBOW-{'NS' if row['objective'] == 'negative_sampling' else 'HS'} a={row['alpha']}"
        for variant, v in row.items():
            if isinstance(v, dict) and "ws353" in v:
                rows.append([row["corpus"], model, variant.replace("|", "&#124;"), f"{v['ws353']['median']:.3f}",
                             f"{v['simlex']['median']:.3f}", f"{v['analogy']['median']:.3f}"])
    L += md_table(["corpus", "model", "variant", "WS-353", "SimLex-999", "analogy"], rows, "lllrrr")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", default="head500,lee")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--out-dir", default=None,
                    help="put cbow_gradient.json and RESULTS.md here (default: bench/out/, bench/RESULTS.md)")
    ap.add_argument("--render-only", action="store_true", help="rewrite the section from cbow_gradient.json")
    ap.add_argument("--engine-rev", default=None,
                    help="use engine/ as committed at this git revision (e.g. HEAD) instead of the working tree")
    args = ap.parse_args(argv)
    out = Path(args.out_dir) if args.out_dir else None
    jpath = out / "cbow_gradient.json" if out else OUT / "cbow_gradient.json"
    mpath = out / "RESULTS.md" if out else BENCH / "RESULTS.md"
    if args.render_only:
        data = load_json(jpath)
        if data is None:
            ap.error(f"{jpath} is missing: run this script first (raw results are not in git)")
        write_section(mpath, "cbow_gradient", render(data))
        print(f"rewrote the cbow_gradient section of {mpath} from {jpath}")
        return 0
    engine_commit = use_engine_rev(args.engine_rev)

    import logging

    logging.disable(logging.WARNING)
    from gensim.models import Word2Vec as GWord2Vec

    from engine import Word2Vec

    work = Path(tempfile.mkdtemp(prefix="w2v_cbowgrad_"))
    evals = benchmark_lists()
    stemmed, _ = stemmed_lists(evals, work)

    rows = []
    for corpus in args.corpora.split(","):
        tok = work / f"{corpus}.tok"
        write_token_file(gensim_file(GENSIM_CORPORA[corpus]), tok)
        sentences = TokenFile(tok)
        ev = stemmed if corpus in STEMMED else evals
        for objective in ("negative_sampling", "hierarchical_softmax"):
            for alpha in (0.025, 0.05):
                res = {}
                for variant in VARIANTS:
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
    data = {"engine_commit": engine_commit, "epochs": args.epochs, "seeds": args.seeds,
            "stemmed_lists_for": sorted(STEMMED), "rows": rows}
    dump_json(jpath, data)
    write_section(mpath, "cbow_gradient", render(data))
    print(f"wrote {jpath} and the cbow_gradient section of {mpath}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
