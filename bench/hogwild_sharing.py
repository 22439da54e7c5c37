"""Where the second core goes: the compiled kernel alone, 1 thread against 2 threads on shared or on separate weights.

What it does: builds the examples of a corpus once (the model's own example stream, as train() would), then
times only the kernel over its 3 epochs (engine.fast.kernel.run_examples, no reading, no building, no GIL) over the same chunks
in five ways, interleaved in every round:
  - "1 thread": every chunk, one after the other;
  - "2 threads, shared": half the chunks each, on the same W_in and W_out (Hogwild, what train() does);
  - "2 threads, separate": half the chunks each, each on its own copy of W_in and W_out (nothing written is
    shared; not a training anyone would use, a measurement of what the machine gives a second thread);
  - "2 threads, W_in shared" / "W_out shared": one matrix shared, each thread its own copy of the other (which of
    the two a second thread loses its time on). Each thread runs with workers=2, as train() does, so the kernel
    keeps its private copies of the busiest W_out rows (engine/fast/rows.py _private_rows) in every 2-thread mode.
It reports the speed-up over 1 thread (median and min-max over rounds) and the kernel CPU time per example,
for skip-gram (unbatched and ns_batching="shared_negatives") and CBOW with negative sampling on head500 (gensim's test data, 7,978 words at min_count 5),
and how concentrated the row accesses are (the share that falls on the rows of the most frequent words).
What it does not do: time a whole train() (bench/parallel_speed.py does, against gensim).

    .venv/bin/python bench/hogwild_sharing.py            # 7 rounds: README section + bench/PARALLEL_RESULTS.md
    .venv/bin/python bench/hogwild_sharing.py --quick    # 1 round, prints, writes into bench/out/ only
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

import numpy as np

from benchlib import command_line, gensim_file, machine_line, now_utc, spread

import compare_gensim
from parallel_speed import publish

from engine import Word2Vec
from engine.fast import kernel

SETTINGS = dict(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, epochs=3, seed=1,
                skipgram_input="context", cbow_mean=True, cbow_update="word2vec")   # bench/parallel_speed.py's
MODES = ("1 thread", "2 threads, shared", "2 threads, separate", "2 threads, W_in shared", "2 threads, W_out shared")
SPLIT = {"2 threads, shared": (True, True), "2 threads, separate": (False, False),   # (share W_in, share W_out)
         "2 threads, W_in shared": (True, False), "2 threads, W_out shared": (False, True)}
TOP_ROWS = 512            # "hot" rows: the most frequent words' (ids go by decreasing count)


def head500() -> list:
    return [line.split() for line in gensim_file(compare_gensim.CORPORA["head500"]).read_text().splitlines()]


def hot_share(chunks: list) -> float:
    """The share of row reads and writes (input rows, target rows, negatives) on the TOP_ROWS most frequent words."""
    ids = np.concatenate([np.concatenate([c.input_ids, c.targets, c.negatives.ravel()]) for c in chunks])
    return float((ids < TOP_ROWS).mean())


CONFIGS = (("SG-NS", "skipgram", "none"), ("SG-NS batched", "skipgram", "shared_negatives"), ("CBOW-NS", "cbow", "none"))


def built_chunks(sentences: list, architecture: str, ns_batching: str) -> tuple:
    """The model (vocabulary, weights as initialised) and every chunk of its epochs, built."""
    model = Word2Vec(architecture=architecture, objective="negative_sampling", workers=2, ns_batching=ns_batching,
                     **SETTINGS)
    model.build_vocab(sentences)
    chunks, seq = [], 0
    while (c := model.stream.chunk(seq)) is not None:
        chunks.append(c)
        seq += 1
    return model, chunks


def _run(model, W_in, W_out, chunks, cpu: list, slot: int) -> None:
    t = time.thread_time()
    for c in chunks:
        kernel.run_examples(W_in, W_out, c, 0, c.n_examples, model.rule, None, workers=2)
    cpu[slot] = time.thread_time() - t


def time_mode(model, chunks: list, mode: str) -> dict:
    """Wall seconds and kernel CPU seconds of one pass over the chunks, on fresh copies of the weights."""
    cpu = [0.0, 0.0]
    if mode == "1 thread":
        W_in, W_out = model.W_in.copy(), model.W_out.copy()
        t = time.perf_counter()
        _run(model, W_in, W_out, chunks, cpu, 0)
        return {"wall": time.perf_counter() - t, "cpu": cpu[0]}
    share_in, share_out = SPLIT[mode]
    W = [(model.W_in.copy(), model.W_out.copy())]
    W.append((W[0][0] if share_in else model.W_in.copy(), W[0][1] if share_out else model.W_out.copy()))
    threads = [threading.Thread(target=_run, args=(model, *W[i], chunks[i::2], cpu, i)) for i in range(2)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"wall": time.perf_counter() - t, "cpu": cpu[0] + cpu[1]}


def measure(rounds: int, corpora: dict) -> list:
    rows = []
    for corpus, sentences in corpora.items():
        for name, architecture, ns_batching in CONFIGS:
            model, chunks = built_chunks(sentences, architecture, ns_batching)
            examples = sum(c.n_examples for c in chunks)
            warm_end = chunks[0].batch_end(9) if model.rule.batched else 10   # a batch is never cut
            kernel.run_examples(model.W_in.copy(), model.W_out.copy(), chunks[0], 0, warm_end, model.rule, None,
                                workers=2)
            runs = {m: [] for m in MODES}
            for rnd in range(rounds):
                for mode in (MODES if rnd % 2 == 0 else MODES[::-1]):
                    runs[mode].append(time_mode(model, chunks, mode))
            one = [r["wall"] for r in runs["1 thread"]]
            row = {"corpus": corpus, "vocab": len(model.vocab), "config": name, "examples": examples,
                   "one_wall": spread(one), "hot_share": hot_share(chunks)}
            for mode in MODES:
                row[mode] = {"speedup": spread([a / r["wall"] for a, r in zip(one, runs[mode])]),
                             "cpu_ns_per_example": spread([1e9 * r["cpu"] / examples for r in runs[mode]])}
            rows.append(row)
            print(f"{corpus:22s} {name:8s} V={row['vocab']:>7,} " + "  ".join(
                f"{m}: {row[m]['speedup']['median']:.2f}x ({row[m]['cpu_ns_per_example']['median']:.0f} ns/ex)"
                for m in MODES), flush=True)
    return rows


def render(res: dict) -> str:
    L = [f"Measured {res['date']} (UTC) by `{res['command']}`: the compiled kernel alone over the chunks of 3 "
         "epochs, built beforehand (d = 100, window 5, k = 5, sample 1e-3, min_count 5, gensim's algorithm); "
         f"{res['rounds']} interleaved rounds. {res['machine']}.", "",
         f"| corpus | words | config | row accesses on the top {TOP_ROWS} rows | 2 threads, shared W (Hogwild) | "
         "2 threads, separate W | only W_in shared | only W_out shared | CPU per example: 1 thread / shared / separate / "
         "W_in shared / W_out shared |", "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in res["rows"]:
        cpu = " / ".join(f"{r[m]['cpu_ns_per_example']['median']:.0f}" for m in MODES)
        speedups = " | ".join(f"{s['median']:.2f}x [{s['min']:.2f}–{s['max']:.2f}]"
                              for s in (r[m]["speedup"] for m in MODES[1:]))
        L.append(f"| {r['corpus']} | {r['vocab']:,} | {r['config']} | {100 * r['hot_share']:.0f}% | {speedups} | "
                 f"{cpu} ns |")
    L += ["", "Speed-up: wall time of 1 thread over the chunks / wall time of 2 threads over the same chunks (median "
          "[min–max] over rounds). \"Separate\" gives each thread its own copy of the weights: what is left of 2x "
          "there is the machine's (two virtual CPUs sharing caches, memory and a host). The gap between "
          "\"separate\" and \"shared\" is the price of Hogwild on this corpus: both threads write the rows of "
          "frequent words, and a cache line written by one core must be fetched back by the other (true sharing; "
          "a skip-gram example writes 7 rows of 400 bytes, a CBOW example 6 and its up to 10 context rows, and a "
          "few hundred rows take a large share of them)."]
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1 round; prints, writes into bench/out/ only")
    ap.add_argument("--rounds", type=int, default=None)
    args = ap.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 7)
    corpora = {"head500": head500()}
    command = command_line(".venv/bin/python bench/hogwild_sharing.py")
    res = {"date": now_utc(), "command": command, "machine": machine_line(), "rounds": rounds,
           "rows": measure(rounds, corpora)}
    text = render(res)
    print(text)
    publish("hogwild_sharing", res, text, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
