"""Quick speed check of the fast trainer against gensim 4.x on head500.noblanks.cor (gensim's test data).

What it does: for skip-gram and CBOW, each with negative sampling and hierarchical softmax, and for
workers 1 and 2, trains our engine and gensim with identical settings (vector_size 100, window 5,
negative 5, sample 1e-3, min_count 5, epochs 5, alpha 0.025), interleaved (ours, gensim, ours,
gensim, ...), and prints words/s and the ratio. Words/s = corpus tokens x epochs / training seconds,
the same numerator for both, so the ratio is simply gensim's time / ours. Only train() is timed
(build_vocab is not); the numba kernels are compiled or loaded from the disk cache first.
What it does not do: measure quality or memory (bench/compare_gensim.py does the full benchmark).

    .venv/bin/python bench/fast_speed.py              # 1 round (about a minute)
    .venv/bin/python bench/fast_speed.py --rounds 3   # best of 3 interleaved rounds for each
On a shared machine the best of several rounds is the fairest figure (it is the run that other
processes disturbed least); the median is printed as well.
    .venv/bin/python bench/fast_speed.py --configs sg-ns --workers 1
Writes bench/out/fast_speed.md and bench/out/fast_speed.json as well.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from benchlib import OUT, dump_json, gensim_file, md_table

import engine
from engine import Word2Vec, fast
CONFIGS = {  # name: (architecture, objective) for us, (sg, hs, negative) for gensim
    "sg-ns": (("skipgram", "negative_sampling"), (1, 0, 5)),
    "sg-hs": (("skipgram", "hierarchical_softmax"), (1, 1, 0)),
    "cbow-ns": (("cbow", "negative_sampling"), (0, 0, 5)),
    "cbow-hs": (("cbow", "hierarchical_softmax"), (0, 1, 0)),
}
SETTINGS = dict(vector_size=100, window=5, sample=1e-3, min_count=5, epochs=5, alpha=0.025)
TARGETS = {"sg-ns": {1: 1.5, 2: 1.0}}  # ratio we aim for; every other cell: 1.0


def time_ours(corpus, config: str, workers: int, seed: int) -> tuple:
    (architecture, objective), _ = CONFIGS[config]
    m = Word2Vec(architecture=architecture, objective=objective, negative=5, min_alpha=1e-4,
                 workers=workers, seed=seed, **SETTINGS)
    m.build_vocab(corpus)
    t0 = time.perf_counter()
    info = m.train()
    return time.perf_counter() - t0, info["loss"]


def time_gensim(corpus, config: str, workers: int, seed: int) -> float:
    from gensim.models import Word2Vec as GensimWord2Vec

    _, (sg, hs, negative) = CONFIGS[config]
    g = GensimWord2Vec(sg=sg, hs=hs, negative=negative, workers=workers, seed=seed, min_alpha=1e-4,
                       **{k: v for k, v in SETTINGS.items()})
    g.build_vocab(corpus)
    t0 = time.perf_counter()
    g.train(corpus, total_examples=g.corpus_count, epochs=g.epochs)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=1, help="repeat each measurement; the best is kept")
    ap.add_argument("--configs", nargs="*", default=list(CONFIGS), choices=list(CONFIGS))
    ap.add_argument("--workers", nargs="*", type=int, default=[1, 2], choices=[1, 2])
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)

    path = gensim_file("head500.noblanks.cor")
    corpus = engine.read_corpus(path)
    tokens = sum(len(s) for s in corpus)
    print(f"corpus {path.name}: {tokens:,} tokens; cpus: {os.cpu_count()}")
    print(f"compiling / loading the numba kernels: {fast.warm_up(SETTINGS['vector_size']):.2f} s")
    epochs = SETTINGS["epochs"]
    rows = []
    print(f"{'config':8} {'workers':>7} {'ours w/s':>11} {'gensim w/s':>11} {'ratio':>6} {'target':>6} "
          f"{'median ratio':>12}  our loss")
    for config in args.configs:
        for workers in args.workers:
            ours, theirs, loss = [], [], float("nan")
            for r in range(args.rounds):
                t, loss = time_ours(corpus, config, workers, seed=1 + r)
                ours.append(t)
                theirs.append(time_gensim(corpus, config, workers, seed=1 + r))
            ours_wps = tokens * epochs / min(ours)
            gensim_wps = tokens * epochs / min(theirs)
            target = TARGETS.get(config, {}).get(workers, 1.0)
            ratio = ours_wps / gensim_wps
            median_ratio = statistics.median(theirs) / statistics.median(ours)
            rows.append(dict(config=config, workers=workers, ours_seconds=ours, gensim_seconds=theirs,
                             ours_words_per_sec=ours_wps, gensim_words_per_sec=gensim_wps, ratio=ratio,
                             median_ratio=median_ratio, target=target, ours_loss=loss, rounds=args.rounds))
            print(f"{config:8} {workers:>7} {ours_wps:>11,.0f} {gensim_wps:>11,.0f} {ratio:>6.2f} "
                  f"{target:>6.1f} {median_ratio:>12.2f}  {loss:.4f}{'' if ratio >= target else '  (below target)'}",
                  flush=True)

    out = Path(args.out)
    dump_json(out / "fast_speed.json", dict(corpus=path.name, tokens=tokens, settings=SETTINGS, rows=rows))
    lines = [f"head500.noblanks.cor, {tokens:,} tokens x {epochs} epochs; best of {args.rounds} interleaved "
             "round(s); words/s = tokens x epochs / training seconds", ""]
    lines += md_table(["config", "workers", "ours words/s", "gensim words/s", "ratio", "target", "median ratio"],
                      [[r["config"], r["workers"], f"{r['ours_words_per_sec']:,.0f}", f"{r['gensim_words_per_sec']:,.0f}",
                        f"{r['ratio']:.2f}", f"{r['target']:.1f}", f"{r['median_ratio']:.2f}"] for r in rows])
    (out / "fast_speed.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {out / 'fast_speed.md'} and fast_speed.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
