"""The Compare page's third part: two textbook claims (skip-gram against CBOW on small corpora and rare words)
tested fairly, with the seed-to-seed spread.

What it does: draws the experiment's controls (the corpus, its scale, seeds, the training budget, the
output layer, CBOW's update rule) and the update rules side by side, runs it with a progress bar and Stop
(finished runs are kept per session in a run cache, state.CMP_GROWTH, one entry per corpus, size,
architecture, seed and settings, and reused; the last experiment's record is state.CMP_RARE), and shows
the scores against corpus size (mean and 95% t-interval over seeds), rare against frequent words, the
verdicts, why the two architectures differ and every run.
What it does not do: train or score (lessons.claims does), or keep anything shared between users but
the corpora (immutable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from lessons import benchmarks, measures
from lessons import claims
from lessons import six_models
from lessons.planted import PlantedCorpus, hard_planted
from ui import state
from ui.charts import compare as compare_charts
from ui.choices import choice
from ui.compiling import ensure_fast_trainer
from ui.i18n import t
from ui.settings import architecture_label, objective_label
from ui.views.compare.progress import rounded, run_with_progress

CLAIMS_DATA = ("planted", "head500", "lee")
RUNS_KEEP = 3000          # finished runs kept per session (small dicts: scores and facts, no vectors)


@st.cache_resource(show_spinner=False, max_entries=2)
def _hard_planted(n_tokens: int) -> PlantedCorpus:
    """The hard planted corpus (immutable: shared by every session, never written to)."""
    return hard_planted(n_tokens, seed=1)


@st.cache_resource(show_spinner=False, max_entries=2)
def _real(name: str) -> tuple:
    return benchmarks.load_real(name)


def claims_sizes(kind: str, scale: str, n_tokens: Optional[int] = None) -> List[int]:
    """The sizes (tokens) an experiment trains on: fixed for the planted corpus, shares of a real one."""
    if kind == "planted":
        return list(claims.PLANTED_SIZES[scale])
    return [max(1, int(round(f * n_tokens))) for f in claims.REAL_SHARES[scale]]


def claims_data(kind: str, scale: str) -> claims.ClaimsData:
    """The corpus of a claims experiment (raises ValueError if a real corpus is not installed)."""
    with st.spinner(t("compare.claims.loading")):
        if kind == "planted":
            return claims.ClaimsData.planted(_hard_planted(max(claims.PLANTED_SIZES[scale])))
        return claims.ClaimsData.real(kind, _real(kind))


def run_cache() -> dict:
    """This session's finished runs {run_key: row} (kept across experiments, so Stop and re-runs reuse them)."""
    cache = st.session_state.get(state.CMP_GROWTH)
    if not isinstance(cache, dict) or "key" in cache:
        cache = {}
        st.session_state[state.CMP_GROWTH] = cache
    while len(cache) > RUNS_KEEP:
        cache.pop(next(iter(cache)))
    return cache


def run_claims(exp: "Experiment") -> None:
    """Run the experiment with a progress bar and a Stop button; rows land in st.session_state as they finish.

    Stop reruns the page, which ends this run between two slices of updates; the finished runs stay in
    the run cache (and in the experiment's record) and are reused when Run is pressed again.
    """
    ensure_fast_trainer(int(exp.base["vector_size"]), 1)

    def run(out, progress):
        claims.claims_experiment(exp.data, exp.sizes, exp.seeds, exp.base, exp.budget, exp.amount, exp.cbow_rule,
                                 cache=run_cache(), progress=progress, out=out)
    run_with_progress(state.CMP_RARE, exp.key, run, t("compare.claims.title"), stop_key="cmp_claims_stop")


def claims_record(exp_key: dict) -> Optional[dict]:
    """The last experiment's record if it was made with these settings; else the rows the run cache
    already holds for them (finished runs of an earlier, stopped or overlapping experiment), or None."""
    entry = st.session_state.get(state.CMP_RARE)
    if entry and entry.get("key") == exp_key:
        return entry
    return None



def cached_rows(exp: "Experiment") -> List[dict]:
    """The runs of this experiment that this session has already finished (in run order)."""
    cache = st.session_state.get(state.CMP_GROWTH) or {}
    out = []
    for seed in exp.seeds:
        for size in sorted(exp.sizes):
            for arch in six_models.ARCHITECTURES:
                row = cache.get(claims.run_key(exp.data, size, arch, seed, exp.base, exp.budget, exp.amount,
                                               exp.cbow_rule))
                if row is not None:
                    out.append(row)
    return out


def rule_text(arch: str, cbow_rule: str) -> str:
    """The update rule of an architecture in the session's language (in English: model.rule.describe())."""
    return t("compare.rule.skipgram") if arch == "skipgram" else t(f"compare.rule.{cbow_rule}")


RULE_LATEX = {
    "skipgram": r"h = W_{\text{in}}[c],\qquad W_{\text{in}}[c] \mathrel{-}= \eta\,\nabla_h",
    "sum": r"h = \textstyle\sum_{i=1}^{n} W_{\text{in}}[a_i],\qquad W_{\text{in}}[a_i] \mathrel{-}= \eta\,\nabla_h",
    "mean_exact": r"h = \tfrac{1}{n}\textstyle\sum_{i=1}^{n} W_{\text{in}}[a_i],\qquad "
                  r"W_{\text{in}}[a_i] \mathrel{-}= \tfrac{\eta}{n}\,\nabla_h",
    "mean_word2vec": r"h = \tfrac{1}{n}\textstyle\sum_{i=1}^{n} W_{\text{in}}[a_i],\qquad "
                     r"W_{\text{in}}[a_i] \mathrel{-}= \eta\,\nabla_h",
}



def outcome_text(s: dict, where: str) -> str:
    """One verdict sentence: who is ahead (with both intervals) or 'within noise'."""
    sg, cb = s["skipgram"], s["cbow"]
    if s["outcome"] in ("unknown", "unscored"):
        return t(f"compare.verdict.{s['outcome']}", where=where, n=measures.MIN_PAIRS)
    vals = dict(where=where, sg=sg["mean"], sg_lo=sg["lo"], sg_hi=sg["hi"], cb=cb["mean"], cb_lo=cb["lo"],
                cb_hi=cb["hi"])
    key = {"a": "compare.verdict.skipgram", "b": "compare.verdict.cbow", "noise": "compare.verdict.noise"}[s["outcome"]]
    return t(key, **vals)


def short_outcome(s: Optional[dict]) -> str:
    if s is None:
        return t("compare.verdict.none")
    return t({"a": "compare.short.skipgram", "b": "compare.short.cbow", "noise": "compare.short.noise",
              "unknown": "compare.short.unknown", "unscored": "compare.short.unscored"}[s["outcome"]])


def runs_tables(rows: Sequence[dict], metric: str) -> List[pd.DataFrame]:
    """Every run in two static tables that fit a 1024 px screen (twelve columns did not), both indexed by
    (tokens, architecture, seed): what it got (updates, seconds, passes, final learning rate, what ended it)
    and how fast it went and what it scored (words/s, updates/s, coverage, the score)."""
    got, speed, index = [], [], []
    for r in rows:
        if "error" in r:
            continue
        index.append((f"{r['tokens']:,}", architecture_label(r["architecture"]), r["seed"]))
        got.append({t("compare.col.updates"): f"{r['updates']:,}", t("compare.col.seconds"): f"{r['seconds']:.2f}",
                    t("compare.col.passes"): f"{r['passes']:.2f}", t("compare.col.lr_end"): f"{r['lr_end']:.3g}",
                    t("compare.col.ended_by"): t(f"compare.ended.{r['ended_by']}")})
        speed.append({t("compare.col.words_per_s"): f"{int(r['words_per_sec']):,}",
                      t("compare.col.updates_per_s"): f"{int(r['updates_per_sec']):,}",
                      t("compare.col.coverage"): f"{r['coverage'][metric]:.0%}",
                      metric: "—" if rounded(r["scores"][metric]) is None else f"{r['scores'][metric]:.3f}"})
    names = [t("compare.col.tokens"), t("compare.col.architecture"), t("compare.col.seed")]
    idx = pd.MultiIndex.from_tuples(index, names=names) if index else pd.Index([])
    return [pd.DataFrame(got, index=idx), pd.DataFrame(speed, index=idx)]


def ratio_facts(rows: Sequence[dict]) -> Optional[dict]:
    """Mean over runs of skip-gram's / CBOW's updates, seconds and passes (matched by size and seed)."""
    by = {(r["size"], r["seed"], r["architecture"]): r for r in rows if "error" not in r}
    ups, secs, passes = [], [], []
    for (size, seed, arch), r in by.items():
        c = by.get((size, seed, "cbow"))
        if arch == "skipgram" and c is not None and c["updates"] and c["seconds"] > 0 and c["passes"] > 0:
            ups.append(r["updates"] / c["updates"])
            secs.append(r["seconds"] / c["seconds"])
            passes.append(r["passes"] / c["passes"])
    if not ups:
        return None
    return {"updates": float(np.mean(ups)), "seconds": float(np.mean(secs)), "passes": float(np.mean(passes))}


# ---------------------------------------------------------------- what the page draws, in order
@dataclass
class Experiment:
    """One claims experiment as its controls chose it, with its corpus and sizes."""
    data_kind: str
    scale: str
    seeds: List[int]
    budget: str
    amount: float
    cbow_rule: str
    base: dict                          # claims.CLAIMS_SETTINGS with the output layer chosen
    data: claims.ClaimsData
    sizes: List[int]

    @property
    def key(self) -> dict:
        return {"data": self.data.key, "sizes": self.sizes, "seeds": self.seeds, "base": self.base,
                "budget": self.budget, "amount": self.amount, "cbow_rule": self.cbow_rule}

    @property
    def n_runs(self) -> int:
        return len(self.sizes) * 2 * len(self.seeds)


def claims_section() -> None:
    """The claims: the literature beside our data, the experiment's controls, Run, and what it found."""
    st.header(t("compare.claims.title"))
    st.markdown(t("compare.claims.intro"))
    lit_col, data_col = st.columns(2)
    lit_col.subheader(t("compare.claims.lit_header"))
    lit_col.markdown(t("compare.claims.lit_body"))
    data_col.subheader(t("compare.claims.data_header"))
    verdict_box = data_col.container()          # filled below, once the runs are known
    exp = experiment_controls()
    if exp.scale == "larger" or exp.data_kind != "planted":
        st.caption(t("compare.claims.estimate_slow", low=30, high=180))
    if st.button(t("compare.claims.run", n=exp.n_runs), key="cmp_claims_go", type="primary",
                 help=t("compare.claims.run_help")):
        run_claims(exp)
    rows = cached_rows(exp)
    record = claims_record(exp.key)
    errors = [r["error"] for r in (record or {}).get("rows", []) if "error" in r]
    if errors:
        st.warning(t("compare.claims.errors", error=errors[0]))
    if rows and len(rows) < exp.n_runs:
        st.warning(t("compare.claims.partial", n=len(rows), total=exp.n_runs))
    if not rows:
        with verdict_box:
            st.info(t("compare.claims.data_none"))
        return
    claims_results(exp, rows, verdict_box)


def experiment_controls() -> Experiment:
    """The experiment's widgets, its settings in a caption and the two update rules; stops the page when a
    real corpus is not installed."""
    c1, c2, c3 = st.columns([1.4, 1, 1])
    data_kind = choice(c1.radio, t("compare.claims.data"), CLAIMS_DATA, lambda k: t(f"compare.claims.data_{k}"),
                       "cmp_claims_data", default=CLAIMS_DATA[0])
    scale = choice(c2.radio, t("compare.claims.scale"), ["default", "larger"],
                   lambda k: t(f"compare.claims.scale_{k}"), "cmp_claims_scale", default="default")
    n_seeds = c3.slider(t("compare.claims.seeds"), 2, 8, 3, key="cmp_seeds", help=t("compare.claims.seeds_help"))
    c1, c2, c3 = st.columns([1.4, 1, 1])
    budget = choice(c1.radio, t("compare.claims.budget"), claims.BUDGETS, lambda b: t(f"compare.claims.budget_{b}"),
                    "cmp_budget", default=claims.BUDGETS[1], horizontal=True)
    c1.caption(t(f"compare.claims.budget_help_{budget}"))
    if budget == "seconds":
        amount = float(c2.number_input(t("compare.claims.seconds_amount"), 0.2, 30.0, 1.0, 0.1, key="cmp_seconds"))
    else:
        amount = float(c2.number_input(t("compare.claims.epochs"), 1, 20, 5, key="cmp_exp_epochs"))
    objective = choice(c3.selectbox, t("compare.claims.objective"), ["negative_sampling", "hierarchical_softmax"],
                       objective_label, "cmp_exp_objective", default="negative_sampling")
    cbow_rule = choice(st.radio, t("compare.claims.cbow_rule"), list(claims.CBOW_RULES),
                       lambda r: t(f"compare.claims.rule_{r}"), "cmp_cbow_rule", default=list(claims.CBOW_RULES)[0],
                       horizontal=True)
    base = {**claims.CLAIMS_SETTINGS, "objective": objective}
    try:
        data = claims_data(data_kind, scale)
    except ValueError as e:
        st.error(t("compare.claims.not_installed", error=e))
        st.stop()
    sizes = claims_sizes(data_kind, scale, data.n_tokens)
    st.caption(t("compare.claims.settings_caption", objective=objective_label(objective), d=base["vector_size"],
                 window=base["window"], k=base["negative"], sample=f"{base['sample']:g}",
                 min_count=base["min_count"], alpha=f"{base['alpha']:g}", min_alpha=f"{base['min_alpha']:g}",
                 sizes=" / ".join(f"{s:,}" for s in sizes)))
    st.markdown("**" + t("compare.claims.rules_header") + "**")
    r1, r2 = st.columns(2)
    for col, arch, rule_name in ((r1, "skipgram", "skipgram"), (r2, "cbow", cbow_rule)):
        col.markdown(t("compare.claims.rule_of", arch=architecture_label(arch), rule=rule_text(arch, cbow_rule)))
        col.latex(RULE_LATEX[rule_name])
    return Experiment(data_kind, scale, list(range(1, n_seeds + 1)), budget, amount, cbow_rule, base, data, sizes)


def claims_results(exp: Experiment, rows: Sequence[dict], verdict_box) -> None:
    """The scores against corpus size, rare against frequent words, the verdicts (also in `verdict_box`,
    beside the literature), why the architectures differ, and every run."""
    data = exp.data
    metrics = data.metrics
    metric = (st.radio(t("compare.claims.metric"), metrics, horizontal=True, key="cmp_claims_metric")
              if len(metrics) > 1 else metrics[0])
    chance = data.truth.chance_precision() if data.kind == "planted" else None
    summary = claims.claims_summary(rows, metric)
    st.plotly_chart(compare_charts.claims_figure(summary, metric, chance, t("compare.claims.growth_title")),
                    key="cmp_claims_fig")
    st.caption(t("compare.claims.growth_caption"))
    st.markdown(t("compare.claims.verdicts"))
    st.markdown("\n".join("- " + outcome_text(s, t("compare.verdict.tokens", size=f"{s['size']:,}"))
                          for s in summary))
    largest = max(s["size"] for s in summary)
    bin_summaries = {b: next((s for s in claims.claims_summary(rows, metric, b) if s["size"] == largest), None)
                     for b in data.bins}
    bin_summaries = {b: s for b, s in bin_summaries.items() if s is not None}
    if bin_summaries:
        st.plotly_chart(compare_charts.claims_bins_figure(bin_summaries, metric, chance,
                                                          t("compare.claims.bins_title", size=f"{largest:,}")),
                        key="cmp_claims_bins_fig")
        st.caption(t(f"compare.claims.bins_caption_{data.kind}"))
        st.markdown("\n".join("- " + outcome_text(s, t(f"compare.bin.{b}")) for b, s in bin_summaries.items()))
    with verdict_box:
        small, large = summary[0], summary[-1]
        lines = [t("compare.claims.data_small", size=f"{small['size']:,}", outcome=short_outcome(small)),
                 t("compare.claims.data_large", size=f"{large['size']:,}", outcome=short_outcome(large))]
        for b in ("rare", "frequent"):
            if b in bin_summaries:
                lines.append(t(f"compare.claims.data_{b}", size=f"{largest:,}", outcome=short_outcome(bin_summaries[b])))
        st.markdown("\n".join("- " + x for x in lines))
        st.caption(t("compare.claims.data_setup", budget=t(f"compare.claims.budget_{exp.budget}"),
                     rule=t(f"compare.claims.rule_{exp.cbow_rule}"), seeds=len(exp.seeds),
                     data=t(f"compare.claims.data_{exp.data_kind}")))
        st.caption(t("compare.claims.data_note"))
    facts = ratio_facts(rows)
    with st.expander(t("compare.claims.why_header"), expanded=True):
        if facts:
            st.markdown(t("compare.claims.why_body", **facts))
    with st.expander(t("compare.claims.runs_header")):
        for table in runs_tables(rows, metric):        # static: headers wrap, nothing cut at 1024 px
            st.table(table)
        st.caption(t("compare.claims.coverage_note"))
