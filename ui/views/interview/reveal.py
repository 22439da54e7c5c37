"""The Interview prep page's evidence: for each question, the numbers its "found" sentence quotes and the
table or chart that shows what the experiment measured (ui/views/interview/card.py draws everything else).

What it does: found_values(qid, result, facts) flattens an experiment's result into the values of the
question's "found" text; evidence(qid, result, facts) draws its table (translated column names, rounded
numbers) or chart. What it does not do: compute (the results come from lessons.interview).
"""

from __future__ import annotations

from typing import List

import pandas as pd
import streamlit as st

from ui.charts.interview import pmi_chart
from ui.i18n import t

CATEGORICAL = {"architecture", "role", "formula", "corpus", "representation", "objective", "method", "model", "sigmoid",
               "sense"}


def label(value) -> str:
    """A value's translation from interview.val.<value> when there is one, else the value itself."""
    key = f"interview.val.{value}"
    text = t(key)
    return value if text == key else text


def table(rows: List[dict], key: str, height: int | None = None, digits: int = 4) -> None:
    """rows (dicts with column keys from interview.col.*) as a dataframe with translated headers."""
    df = pd.DataFrame(rows)
    for c in df.columns:
        if c in CATEGORICAL:
            df[c] = df[c].map(label)
        elif df[c].dtype.kind == "f":
            df[c] = df[c].round(digits)
        elif df[c].dtype.kind == "b":
            df[c] = df[c].map(lambda b: label("yes" if b else "no"))
    df.columns = [t(f"interview.col.{c}") for c in df.columns]
    st.dataframe(df, hide_index=True, use_container_width=True, key=f"iv_ev_{key}",
                 **({"height": height} if height else {}))


def _pct(x: float) -> float:
    return 100.0 * x


def found_values(qid: str, r: dict, facts: dict) -> dict:
    """The values the question's "found" text is formatted with (the result's truth, facts and details; an
    experiment may hand them over itself as result["found"])."""
    v = {**facts, **r["truth"], **r.get("found", {})}
    if qid == "one_hot":
        rows = r["rows"]
        v.update(ab=rows[0]["dense"], ac=rows[1]["dense"], epochs=r["epochs"])
    elif qid == "small_large":
        for size in ("small", "large"):
            s = r["summary"][size]
            v.update({f"sg_{size}": s["skipgram"]["mean"], f"sg_{size}_sd": s["skipgram"]["std"],
                      f"cb_{size}": s["cbow"]["mean"], f"cb_{size}_sd": s["cbow"]["std"]})
        s = r["summary"]["small"]
        v["ratio"] = s["skipgram"]["updates"] / max(1.0, s["cbow"]["updates"])
    elif qid == "rare":
        v.update(sg_rare=r["rare"]["skipgram"]["mean"], sg_rare_sd=r["rare"]["skipgram"]["std"],
                 cb_rare=r["rare"]["cbow"]["mean"], cb_rare_sd=r["rare"]["cbow"]["std"],
                 sg_freq=r["frequent"]["skipgram"]["mean"], cb_freq=r["frequent"]["cbow"]["mean"])
    elif qid == "dots":
        v.update(hs_steps=r["hs_steps"], mean_code=r["mean_code"], log2V=r["log2V"], k1=r["negative"] + 1)
    elif qid == "huffman":
        v.update(top_len=r["truth"]["top"], rare_len=r["truth"]["rare"], max=r["max"], weighted=r["weighted"],
                 log2V=r["log2V"], plain_mean=r["plain_mean"], top=r["top"], rare=r["rare"])
    elif qid == "hs_sum":
        v.update(V=r["V"], trials=len(r["rows"]), max_error=r["max_error"])
    elif qid == "ns_rows":
        sg, cb = r["skipgram"], r["cbow"]
        v.update(out=sg["out"], in_rows=sg["in"], target=sg["target"], negatives=", ".join(sg["negatives"]),
                 in_words=", ".join(sg["in_words"]), cbow_in=cb["in"], cbow_out=cb["out"],
                 cbow_inputs=", ".join(cb["inputs"]))
    elif qid == "sigma":
        target = r["rows"][0]
        v.update(lr=r["lr"], centre=r["centre"], t_before=target["before"], t_after=target["after"],
                 loss=r["loss"], loss_after=r["loss_after"], t_change=r["t_change"], scanned=r["scanned"],
                 losses_fell=r["losses_fell"], rises=r["rises"])
        rose = r.get("rose")
        v["rose"] = (t("interview.sigma.rose", **{f"rose_{k}": x for k, x in rose.items()}) if rose
                     else t("interview.sigma.no_rise", scanned=r["scanned"]))
    elif qid == "orthogonal":
        v.update(h_norm=r["h_norm"], dot=r["dot"], residual=r["residual"], term=r["term"])
    elif qid == "power":
        v.update(top=r["top"], draws=f"{r['draws']:,}")
    elif qid == "subsampling":
        v.update(keep_c=_pct(r["keep_c"]), keep_paper=_pct(r["keep_paper"]), discard=_pct(1 - r["keep_paper"]),
                 measured=_pct(r["measured"]), epochs=r["epochs"], top=r["top"])
    elif qid == "tied":
        v.update(updates=r["updates"], loss_tied=r["loss_tied"], loss_two=r["loss_two"],
                 self_best_tied=_pct(r["self_best_tied"]), self_best_two=_pct(r["self_best_two"]),
                 min_self_sigma_tied=r["min_self_sigma_tied"], self_rate=_pct(r["self_rate"]))
    elif qid == "pmi":
        v.update(pairs=r["pairs"], V=r["V"], epochs=r["epochs"], mean_gap=r["mean_gap"])
    elif qid == "big_lr":
        ok, big = r["rows"][0], r["rows"][1]

        def loss(row):
            return label("diverged") if row["diverged"] else f"{row['loss']:.3f}"

        caught = r["caught"]
        if caught:
            text = t("interview.big_lr.caught", alpha=caught["alpha"], at=caught["at"],
                     finite=label("yes" if caught["finite"] else "no"))
        else:
            text = t("interview.big_lr.not_caught", alpha=r["rows"][-1]["alpha"])
        v.update(loss_base=loss(ok), loss_big=loss(big), base=f"{ok['alpha']:g}", big=f"{big['alpha']:g}",
                 caught=text)
    elif qid == "neighbours":
        v.update(r["scores"], grouped=r["grouped"], epochs=r["epochs"], word=r["word"], others=r["V"] - 1)
    return v


def evidence(qid: str, r: dict, facts: dict) -> None:
    """The table or chart of what the experiment measured."""
    if qid == "one_hot":
        table(r["rows"], qid)
    elif qid == "examples":
        table([{"position": x["position"], "word": x["word"], "contexts": x["context"]} for x in r["rows"]], qid)
    elif qid == "num_skips":
        table([{"centre": p["centre"], "context": p["context"]} for p in r["pairs"]], qid, height=250)
    elif qid == "small_large":
        table([{"corpus": size, "tokens": _tokens(r, size), "architecture": arch, "precision": s["mean"], "std": s["std"],
                "updates": int(s["updates"]), "time": s["time"]}
               for size, by in r["summary"].items() for arch, s in by.items()], qid, digits=3)
    elif qid == "rare":
        table([{"architecture": arch, "rare": r["rare"][arch]["mean"], "std": r["rare"][arch]["std"],
                "frequent": r["frequent"][arch]["mean"], "updates": _mean_updates(r["rows"], arch)}
               for arch in ("skipgram", "cbow")], qid, digits=3)
    elif qid == "dots":
        names = {"softmax": "softmax", "hs": "hierarchical_softmax", "ns": "negative_sampling"}
        table([{"objective": names[k], "dots": r["truth"][k], "V_million": r["million"][names[k]]}
               for k in ("softmax", "hs", "ns")], qid, digits=2)
    elif qid == "huffman":
        table(r["rows"], qid)
    elif qid == "hs_sum":
        table([{**x, "sum": f"{x['sum']:.12f}", "p_largest": f"{x['p_largest']:.4f}",
                "p_smallest": f"{x['p_smallest']:.2e}"} for x in r["rows"]], qid)
    elif qid == "ns_rows":
        rows = []
        for arch in ("skipgram", "cbow"):
            x = r[arch]
            rows.append({"architecture": arch, "matrix": "W_out", "rows": x["out"], "words": ", ".join(x["out_words"])})
            rows.append({"architecture": arch, "matrix": "W_in", "rows": x["in"], "words": ", ".join(x["in_words"])})
        table(rows, qid)
    elif qid == "sigma":                                  # the change itself: 0.5002 -> 0.5002 hides it at 4 digits
        table([{**x, "before": f"{x['before']:.6f}", "after": f"{x['after']:.6f}", "change": f"{x['change']:+.2e}"}
               for x in r["rows"]], qid)
    elif qid == "orthogonal":
        c = st.columns(3)
        c[0].metric("u · h", f"{r['dot']:.1e}")
        c[1].metric("σ(u · h)", f"{r['sigma']:.4f}")
        c[2].metric("∂L/∂u = c · h,  c =", f"{r['coef']:.4f}")
    elif qid == "power":
        table(r["rows"], qid, digits=3)
    elif qid == "subsampling":
        table([{"formula": x["formula"], "keep": x["keep"]} for x in r["rows"]], qid)
    elif qid == "tied":
        table(r["rows"], qid, digits=3)
    elif qid == "pmi":
        left, right = st.columns([1, 1])
        with left:
            st.plotly_chart(pmi_chart(r), key="iv_pmi_chart", use_container_width=True)
        with right:
            table(r["rows"], qid, digits=3)
    elif qid == "big_lr":
        table([{"alpha": x["alpha"], "loss": label("diverged") if x["diverged"] else f"{x['loss']:.4g}",
                "at": x["at"] if x["at"] is not None else "–", "max_weight": f"{x['max_weight']:.3g}",
                "finite": x["finite"]} for x in r["rows"]], qid)
    elif qid == "neighbours":
        rows = [{"representation": "one_hot", "precision": r["scores"]["one_hot"],
                 "neighbours": t("interview.neighbours.all_tie", n=r["V"] - 1)}]
        for rep in ("counts", "word2vec"):
            rows.append({"representation": rep, "precision": r["scores"][rep],
                         "neighbours": ", ".join(f"{w} ({s:.2f})" for w, s in r["lists"][rep])})
        table(rows, qid, digits=3)
    elif r.get("rows"):                                  # the newer questions: their rows are their table
        table(r["rows"], qid, digits=3)


def _tokens(r: dict, size: str) -> int:
    return next(x["tokens"] for x in r["rows"] if x["corpus"] == size)


def _mean_updates(rows: List[dict], arch: str) -> int:
    xs = [x["updates"] for x in rows if x["architecture"] == arch]
    return int(sum(xs) / len(xs)) if xs else 0
