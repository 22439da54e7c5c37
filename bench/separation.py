"""Does the embedding page's default picture keep the groups of meaning apart? Before and after.

What it does: for each sample corpus (and the planted corpus of lessons.planted, whose groups are
known by construction), trains a model with the app's defaults (ui.settings.APP_CONFIG: skip-gram,
negative sampling, d = 20, alpha 0.25, 20 epochs) for each seed, takes the words the page shows by
default (the most frequent min(V, 150)), projects them to 2-D in several ways and measures the
5-nearest-neighbour group accuracy of the words that have a group (engine.projection.separation:
leave-one-out, majority vote of the 5 nearest words in the picture; 1.00 = clean clusters). Views:
  old            the page before: PCA of the raw vectors (centered by PCA itself), nothing left out
  old, 12 out    the same with the 12 most frequent words left out (the issue's attempt)
  new            the page's default now (ui.views.embedding_space.live.VIEW_DEFAULTS)
  ...            the other options the page offers (all-but-the-top, lengths kept, not centered)
  full space     the same k-NN vote by cosine in all d dimensions (what the model knows)
  t-SNE          scikit-learn t-SNE of the same words (perplexity 15, from PCA): a reference for what
                 a non-linear 2-D picture keeps (the page computes it on demand)
Writes bench/SEPARATION_RESULTS.md (table: mean over seeds, min-max) and bench/out/separation.json.
What it does not do: time anything (bench/live_view.py measures the live view's frame rate).

    .venv/bin/python bench/separation.py                 # 3 seeds, about a minute on 2 cores
    .venv/bin/python bench/separation.py --seeds 1 --no-tsne --out /tmp/sep.md     # a quick check
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from pathlib import Path

import numpy as np

from benchlib import BENCH, command_line, dump_json, machine_line, md_table, out_file

from engine import Word2Vec, read_corpus, sample_corpora  # noqa: E402
from engine import projection  # noqa: E402
from lessons.planted import planted_corpus
from ui.charts import colouring  # noqa: E402
from ui.views.embedding_space import live as lv  # noqa: E402
from ui.settings import APP_CONFIG  # noqa: E402

K = lv.SEPARATION_K
OLD = dict(centered=True, unit=False, remove_top=0)           # what StablePCA did before the view options
VIEWS = [  # (column, view options, words left out)
    ("old", OLD, 0),
    ("old, 12 out", OLD, 12),
    ("new (default)", dict(lv.VIEW_DEFAULTS), 0),
    ("lengths kept, top 1 out", dict(centered=True, unit=False, remove_top=1), 0),
    ("lengths kept, top 2 out", dict(centered=True, unit=False, remove_top=2), 0),
    ("same length, top 1 out", dict(centered=True, unit=True, remove_top=1), 0),
    ("same length, not centered", dict(centered=False, unit=True, remove_top=0), 0),
]


def corpora() -> dict:
    """{name: (sentences, {word: group})}: the sample corpora with their groups files, and a planted corpus."""
    out = {name: (list(read_corpus(path)), colouring.corpus_groups(name)) for name, path in sample_corpora().items()}
    planted = planted_corpus(seed=1)
    out["planted (8 groups x 10)"] = (planted.sentences, colouring.corpus_groups(None, planted=planted))
    return out


def measure(sentences, groups: dict, seed: int, with_tsne: bool) -> dict:
    """{column: k-NN group accuracy} for one trained model, plus what the default view draws."""
    config = {**dataclasses.asdict(APP_CONFIG), "seed": seed}
    model = Word2Vec(**config).build_vocab(sentences)
    t0 = time.perf_counter()
    model.train()
    seconds = time.perf_counter() - t0
    words_all, X = model.vocab.index_to_key, np.asarray(model.W_in, dtype=np.float64)
    V = len(words_all)
    row = {"V": V, "train_s": seconds}
    for column, view, skip in VIEWS:
        n = lv.WordRange(V).words(skip)[2] if skip <= lv.WordRange(V).max_skip else V - skip
        sel = lv.shown_ids(skip, n)
        words = words_all[sel]
        coords = projection.StablePCA("aligned", **view).project(X[sel])
        sep = projection.separation(coords, X[sel], [groups.get(w) for w in words], k=K)
        row[column] = sep.view
        if column == "new (default)":
            row.update(full=sep.full, chance=sep.chance, n_words=sep.n_words, n_groups=sep.n_groups, shown=n)
            if with_tsne:
                Y = projection.tsne(X[sel], seed=0, perplexity=15)
                row["t-SNE"] = projection.separation(Y, X[sel], [groups.get(w) for w in words], k=K).view
    return row


def fmt(values) -> str:
    """'0.79 (0.74–0.84)': mean over seeds, then min–max."""
    values = [v for v in values if v is not None]
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.mean(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=3, help="seeds 1..N (default 3)")
    ap.add_argument("--no-tsne", action="store_true", help="skip the t-SNE reference column")
    ap.add_argument("--out", default=str(BENCH / "SEPARATION_RESULTS.md"))
    args = ap.parse_args()
    seeds = list(range(1, args.seeds + 1))
    with_tsne = not args.no_tsne
    results = {}
    for name, (sentences, groups) in corpora().items():
        rows = []
        for seed in seeds:
            rows.append(measure(sentences, groups, seed, with_tsne))
            r = rows[-1]
            print(f"{name:26s} seed {seed}: old {r['old']:.2f}  new {r['new (default)']:.2f}  "
                  f"full {r['full']:.2f}" + (f"  t-SNE {r['t-SNE']:.2f}" if with_tsne else ""), flush=True)
        results[name] = rows
    dump_json(out_file("separation.json"), {"seeds": seeds, "k": K, "results": results})

    columns = [c for c, _, _ in VIEWS] + ["full space"] + (["t-SNE"] if with_tsne else [])
    key = {"full space": "full"}
    table = []
    for name, rows in results.items():
        r0 = rows[0]
        table.append([name, r0["V"], f"{r0['n_words']} / {r0['shown']}", r0["n_groups"],
                      fmt([r["chance"] for r in rows])]
                     + [("**" + fmt([r[key.get(c, c)] for r in rows]) + "**") if c == "new (default)"
                        else fmt([r[key.get(c, c)] for r in rows]) for c in columns])
    samples = [n for n in results if n in sample_corpora()]

    def mean_of(column, names):
        return statistics.mean(statistics.mean(r[key.get(column, column)] for r in results[n]) for n in names)

    summary = (f"Mean over the {len(samples)} sample corpora: old {mean_of('old', samples):.2f}, "
               f"new {mean_of('new (default)', samples):.2f}, full space {mean_of('full space', samples):.2f}"
               + (f", t-SNE {mean_of('t-SNE', samples):.2f}" if with_tsne else "") + "; on royalty (the app's "
               f"default corpus): old {mean_of('old', ['royalty']):.2f}, new {mean_of('new (default)', ['royalty']):.2f}.")
    new_view = ", ".join(f"{k}={v}" for k, v in lv.VIEW_DEFAULTS.items())
    lines = [
        "# Separation of the groups in the embedding page's picture", "",
        f"Written by `{command_line('.venv/bin/python bench/separation.py')}` · {machine_line()}.", "",
        f"Each model: the app's defaults (skip-gram, negative sampling, d = {APP_CONFIG.vector_size}, alpha "
        f"{APP_CONFIG.alpha}, {APP_CONFIG.epochs} epochs), trained to the end, seeds {', '.join(map(str, seeds))}. "
        f"The words are those the page shows by default (the most frequent min(V, 150)); the figure is the "
        f"{K}-nearest-neighbour group accuracy of the words that have a group (leave-one-out majority vote of "
        f"the {K} nearest words in the 2-D picture; 1.00 = every group a clean cluster). "
        "Cells: mean over seeds (min–max). *words* = words with a group / words shown. *chance* = the new "
        "picture with the groups shuffled among the same words.", "",
        f"*old* = PCA of the raw vectors (PCA subtracts the mean itself), as the page drew them; *new* = the "
        f"page's default now ({new_view}: each vector scaled to length 1, i.e. the cosine geometry word2vec "
        "is queried with, then centered). *top n out* = all-but-the-top (Mu & Viswanath 2018): the n "
        "directions of largest spread removed before PCA. *full space* = the same vote by cosine in all "
        "d dimensions. *t-SNE* = scikit-learn t-SNE of the same words (perplexity 15, PCA start), the page's "
        "on-demand alternative.", "",
    ]
    lines += md_table(["corpus", "V", "words", "groups", "chance"] + columns,
                      table, "lrrrr" + "r" * len(columns))
    lines += ["", summary, ""]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(summary)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
