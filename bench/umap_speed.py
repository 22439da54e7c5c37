"""How long UMAP takes on the Lee vocabulary: the first use in a fresh process (numba compiles) and warm.

What it does: trains the engine once on gensim's lee_background.cor (skip-gram, negative sampling, d = 100,
min_count 1, 5 epochs: every word of the vocabulary gets a vector) and saves W_in; then, in fresh
interpreters (bench/benchlib.run_child), times importing umap-learn, the first UMAP of the whole vocabulary
(what the first user of a server process waits: numba compiles umap-learn's loops, or loads them from its
disk cache: engine.umap_layout.cache_umap_kernels; from 4,096 words on the neighbours are exact NumPy, not
pynndescent's compiled search), the same again (warm), the page's largest picture (1,000 most frequent words) and its
default (150), all through engine.projection.umap with the page's defaults (n_neighbors 15, min_dist 0.1,
seed 0) inside one of ui.jobs' heavy-job slots, as the page runs it. Process 1 starts with umap-learn's
numba cache files deleted (a new machine's first UMAP), the next ones load them; the load average is printed
beside each.
Writes the `umap` section of bench/UMAP_RESULTS.md and bench/out/umap_speed.json. With --compare (alone), the
`compare` section instead: PCA, t-SNE and UMAP of the 150 most frequent words of each grouped sample corpus
(the page's defaults: ui.settings.APP_CONFIG, seeds 1-3), each picture's 5-NN group accuracy and seconds
(lessons.projections.compare_projections, what the page's comparison runs).
What it does not do: judge the picture (bench/separation.py measures what projections keep).

    .venv/bin/python bench/umap_speed.py              # 2 processes, several minutes on a busy machine
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from benchlib import BENCH, command_line, dump_json, machine_line, md_table, out_file, run_child, write_section


def child(spec: dict) -> dict:
    from ui.jobs import JobSlots

    X = np.load(spec["vectors"])                                                  # (V, d)
    out = {"V": int(len(X)), "d": int(X.shape[1])}
    slots = JobSlots(1)
    t = time.perf_counter()
    import umap  # noqa: F401  (the import loads or compiles pynndescent's cached numba code)
    out["import_s"] = time.perf_counter() - t
    from engine.projection import umap as umap_layout

    layouts = {}
    # below 4,096 rows umap-learn finds neighbours exactly (other compiled code): its first use is timed apart
    for name, rows in (("first_all_s", len(X)), ("warm_all_s", len(X)), ("first_150_s", 150), ("warm_1000_s", 1000),
                       ("warm_150_s", 150)):
        with slots.hold("umap"):
            t, c = time.perf_counter(), time.process_time()
            Y = umap_layout(X[:rows], seed=0)
            out[name] = time.perf_counter() - t
            out[name.replace("_s", "_cpu")] = time.process_time() - c        # CPU seconds: less load-dependent
        layouts[name] = Y
    out["same_as_first"] = bool(np.array_equal(layouts["first_all_s"], layouts["warm_all_s"]))     # seeded
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--child")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--compare", action="store_true", help="only the PCA / t-SNE / UMAP comparison on sample corpora")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    if args.compare:
        compare()
        return
    from engine import Word2Vec, gensim_data_path, read_corpus

    vectors = out_file("umap_lee_vectors.npy")
    model = Word2Vec(architecture="skipgram", objective="negative_sampling", vector_size=100, min_count=1, epochs=5,
                     seed=1)
    model.build_vocab(read_corpus(gensim_data_path("lee_background.cor")))
    model.train()
    np.save(vectors, model.W_in)
    header = machine_line()
    runs = []
    import umap

    cache_dir = Path(umap.__file__).parent / "__pycache__"
    for f in list(cache_dir.glob("*.nbi")) + list(cache_dir.glob("*.nbc")):
        f.unlink()                                                   # process 1: nothing compiled yet
    for i in range(args.processes):
        res = run_child(__file__, {"vectors": str(vectors), "label": f"process {i + 1}"})
        res["label"] = f"process {i + 1}"
        runs.append(res)
        print(json.dumps(res), flush=True)
    dump_json(out_file("umap_speed.json"), {"machine": header, "runs": runs})
    def cell(r, name):
        return f"{r[name + '_s']:.1f} ({r[name + '_cpu']:.1f})"
    rows = [[r["label"], f"{r['load1_at_start']:.1f}", f"{r['import_s']:.1f}", cell(r, "first_all"), cell(r, "warm_all"),
             cell(r, "first_150"), cell(r, "warm_1000"), cell(r, "warm_150"), "yes" if r["same_as_first"] else "no"]
            for r in runs]
    text = "\n".join([
        f"UMAP (umap-learn, engine.projection.umap, n_neighbors 15, min_dist 0.1, seed 0) of the Lee vocabulary "
        f"(V = {runs[0]['V']:,}, d = {runs[0]['d']}); wall seconds (CPU seconds of the process in brackets: on this "
        f"shared 2-core machine the wall time grows with the load, the CPU time much less). {header}.", "",
        *md_table(["fresh process", "load average", "import umap",
                   "first UMAP, all words (process 1 compiles, the next load the disk cache)",
                   "again, all words (warm)", "first of 150 words (umap-learn's own exact path)",
                   "1,000 words (warm)", "150 words (warm)", "same coordinates"], rows, "lrrrrrrrl"),
        "", f"Command: `{command_line('.venv/bin/python bench/umap_speed.py')}`"])
    write_section(BENCH / "UMAP_RESULTS.md", "umap", text, title="# UMAP on the Lee vocabulary")
    print(text)


def compare(seeds=(1, 2, 3), n_words: int = 150) -> None:
    import dataclasses
    import statistics

    from engine import read_corpus, sample_corpora
    from engine.model import Word2Vec
    from lessons.projections import compare_projections
    from ui.charts import colouring
    from ui.settings import APP_CONFIG

    header = machine_line()
    rows = []
    for name in ("royalty", "capitals", "fruits_animals_verbs", "chinese"):
        groups = colouring.corpus_groups(name)
        acc, secs, full = {}, {}, []
        for seed in seeds:
            model = Word2Vec(**{**dataclasses.asdict(APP_CONFIG), "seed": seed})
            model.build_vocab(read_corpus(sample_corpora()[name]))
            model.train()
            words = model.vocab.index_to_key[:n_words]
            colour = colouring.colouring(words, groups, None)
            for p in compare_projections(model.W_in[:n_words], colour.group, seed=0):
                acc.setdefault(p.method, []).append(p.separation.view)
                secs.setdefault(p.method, []).append(p.seconds)
                if p.method == "PCA":
                    full.append(p.separation.full)
        rows.append([name, *[f"{statistics.mean(acc[m]):.2f} ({min(acc[m]):.2f}-{max(acc[m]):.2f})" for m in acc],
                     f"{statistics.mean(full):.2f}", " / ".join(f"{statistics.median(secs[m]):.2f}" for m in secs)])
        print(rows[-1], flush=True)
    text = "\n".join([
        f"The same {n_words} most frequent words of each grouped sample corpus in three pictures: 5-NN group accuracy "
        f"in 2-D, mean (min-max) over seeds {', '.join(map(str, seeds))} of the app's default model; t-SNE perplexity 15 "
        f"from PCA, UMAP n_neighbors 15, min_dist 0.1, seed 0. {header}.", "",
        *md_table(["corpus", "PCA", "t-SNE", "UMAP", "all dimensions", "seconds PCA / t-SNE / UMAP (median, warm)"],
                  rows, "lrrrrr"),
        "", f"Command: `{command_line('.venv/bin/python bench/umap_speed.py --compare')}`"])
    write_section(BENCH / "UMAP_RESULTS.md", "compare", text, title="# UMAP on the Lee vocabulary")
    print(text)


if __name__ == "__main__":
    main()
