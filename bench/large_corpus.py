"""A corpus far larger than an upload, streamed from disk: time and peak memory (issue 24.6).

What it does: writes a text file of about --mb megabytes (default 200) from gensim's Lee corpus, each copy of
its sentences with every word suffixed by a copy number on one word in five, so the vocabulary grows as real
text's does; then, in a fresh child process, one run as the Hyperparameters page makes it for a corpus of the
server's folder (W2V_CORPORA_DIR): engine.read_corpus streams the file (nothing loaded whole),
build_vocab, and one epoch of the compiled trainer with the practice set-up (d = 100, window 5,
negative 5, sample 1e-3, min_count 5). Reports the file size, tokens, vocabulary, seconds to build the
vocabulary and to train, words/s, and the child's peak resident memory. Writes bench/LARGE_CORPUS.md.

    .venv/bin/python bench/large_corpus.py            # ~200 MB: a few minutes on the 2-core machine
    .venv/bin/python bench/large_corpus.py --mb 20    # a quick run
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import BENCH, ROOT, gensim_file, machine_line, md_table, now_utc, write_markdown

RESULTS = BENCH / "LARGE_CORPUS.md"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from engine import Word2Vec, read_corpus
from lessons.sweep.plan import PRACTICE
corpus = read_corpus(sys.argv[1])
t0 = time.perf_counter()
m = Word2Vec(**{**PRACTICE, "epochs": 1, "seed": 1}).build_vocab(corpus)
t1 = time.perf_counter()
info = m.train()
t2 = time.perf_counter()
print(json.dumps({"tokens": int(m.vocab.counts.sum()), "V": len(m.vocab), "build_s": t1 - t0, "train_s": t2 - t1,
                  "words_per_sec": float(info["words_per_sec"]), "final_loss": float(m.epoch_losses()[-1]),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_text(path: Path, mb: float) -> int:
    lines = gensim_file("lee_background.cor").read_text(encoding="utf-8").splitlines()
    target, written, copy = mb * 1_000_000, 0, 0
    with open(path, "w", encoding="utf-8") as f:
        while written < target:
            for line in lines:
                words = line.split()
                out = " ".join(f"{w}{copy % 97}" if i % 5 == 0 else w for i, w in enumerate(words)) + "\n"
                f.write(out)
                written += len(out.encode("utf-8"))
            copy += 1
    return written


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=200.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "large.txt"
        size = write_text(path, args.mb)
        out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(ROOT)], capture_output=True, text=True,
                             timeout=3600)
        if out.returncode != 0:
            raise SystemExit(out.stderr[-3000:])
        r = json.loads(out.stdout.strip().splitlines()[-1])
    rows = [[f"{size / 1e6:.0f} MB", f"{r['tokens']:,}", f"{r['V']:,}", f"{r['build_s']:.0f} s", f"{r['train_s']:.0f} s",
             f"{r['words_per_sec'] / 1e3:.0f}k", f"{r['peak_rss_mb']:.0f} MB"]]
    text = "\n".join(["# A corpus far larger than an upload, streamed from disk", "",
                      f"{now_utc()}. {machine_line()}", "",
                      "One run as the Hyperparameters page makes it for a corpus of the server's folder "
                      "(W2V_CORPORA_DIR): engine.read_corpus streams the file, build_vocab, one epoch of the compiled "
                      "trainer with the practice set-up (d = 100, window 5, negative 5, sample 1e-3, min_count 5), "
                      "workers=1, in a fresh process. The text: gensim's Lee corpus copied until the size, a word "
                      "in five suffixed with the copy number (the vocabulary grows as real text's does).", ""]
                     + md_table(["file", "tokens", "vocabulary", "build_vocab", "one epoch", "words/s",
                                 "peak memory"], rows, "rrrrrrr")
                     + ["", "Peak memory is the whole process (Python, NumPy, numba, the weights: V x 100 x 2 "
                            "float32); the text itself is never held: it is read line by line for the vocabulary "
                            "and again for each epoch.", ""])
    write_markdown(RESULTS, text)
    print(text)


if __name__ == "__main__":
    main()
