"""Compare models: the six models side by side, and fair experiments on two textbook claims."""

import streamlit as st

from lessons import claims
from lessons import six_models
from lessons import stats as lesson_stats
from lessons.planted import hard_planted
from lessons.planted import planted_corpus
from lessons.planted import quality_by_frequency
from ui import compare as cmp
from ui import pickers, state
from ui.charts import lesson as lesson_charts
from ui.choices import choice
from ui.code import show_source
from ui.i18n import t
from ui.settings import architecture_label, objective_label

st.title(t("compare.title"))
st.markdown(t("compare.intro"))
st.latex(r"\text{" + t("compare.latex_label") + r"}\quad \underbrace{V}_{\text{full softmax}} \quad"
         r"\underbrace{\approx \log_2 V}_{\text{hierarchical softmax}} \quad \underbrace{k+1}_{\text{negative sampling}}")

settings = state.current_settings()
base = {k: settings[k] for k in state.SETTING_NAMES}

# ---------------------------------------------------------------- which corpus
st.header(t("compare.corpus.header"))
corpus_kind = choice(st.radio, t("compare.corpus.train_on"), ["sidebar", "planted"],
                     {"sidebar": t("compare.corpus.sidebar", name=settings["corpus"]),
                      "planted": t("compare.corpus.planted")}.get, "cmp_corpus_kind", default="planted", horizontal=True)
c1, c2, c3, c4, c5 = st.columns(5)
n_tokens = c1.select_slider(t("compare.corpus.tokens"), [2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000],
                            10_000, key="cmp_tokens", help=t("compare.corpus.tokens_help"))
n_groups = c2.slider(t("compare.corpus.groups"), 2, 24, 8, key="cmp_groups")
group_size = c3.slider(t("compare.corpus.group_size"), 3, 50, 10, key="cmp_group_size")
zipf_s = c4.slider(t("compare.corpus.zipf"), 0.0, 2.0, 1.1, 0.1, key="cmp_zipf", help=t("compare.corpus.zipf_help"))
gen_seed = c5.number_input(t("compare.corpus.seed"), 0, 10_000, 1, key="cmp_gen_seed")
planted = cmp.get_planted(int(n_tokens), int(n_groups), int(group_size), float(zipf_s), int(gen_seed))
with st.expander(t("compare.corpus.look", tokens=planted.n_tokens(), sentences=len(planted.sentences),
                   words=len(planted.group_of)), expanded=False):
    st.markdown(t("compare.corpus.explain", chance=planted.chance_precision()))
    st.code("\n".join(" ".join(s) for s in planted.sentences[:6]), language=None)
    l, r = st.columns([1.3, 1])
    l.dataframe(cmp.group_table(planted), hide_index=True, width="stretch")
    r.vega_lite_chart(*lesson_charts.zipf(*cmp.planted_counts(planted), title=t("compare.fig.zipf_title"), height=300),
                      key="cmp_zipf_fig", width="stretch")
show_source(planted_corpus, label=t("compare.show_code"))

if corpus_kind == "planted":
    sentences, truth = planted.sentences, planted
    corpus_label = t("compare.corpus.planted_label", tokens=planted.n_tokens())
else:
    try:
        sentences, truth, corpus_label = state.current_sentences(), None, settings["corpus"]
    except ValueError as e:
        st.error(t("compare.corpus.read_error", error=e))
        st.stop()

# ---------------------------------------------------------------- six models
st.header(t("compare.six.header"))
st.caption(t("compare.six.caption", corpus=corpus_label, d=base["vector_size"], window=base["window"],
             k=base["negative"], sample=f"{base['sample']:g}", min_count=base["min_count"], alpha=f"{base['alpha']:g}",
             seed=base["seed"]))
c1, c2, c3 = st.columns([1, 2, 1.2])
six_epochs = c1.number_input(t("compare.six.epochs"), 1, 200, 5, key="cmp_six_epochs")
model = state.get_model()
vocab_words = planted.planted_words if truth is not None else (model.vocab.index_to_key if model else [])
default_words = ([planted.groups[g][0] for g in list(planted.groups)[:3]] if truth is not None
                 else [w for w in ["king", "paris", "apple", "dog", "fox"] if w in set(vocab_words)][:3])
chosen = pickers.words_multiselect(c2, t("compare.six.words"), vocab_words, {w: i for i, w in enumerate(vocab_words)},
                                   default_words, max_selections=6, key=f"cmp_words_{corpus_kind}_{settings['corpus']}")
with_gensim = c3.checkbox(t("compare.six.gensim"), value=six_models.gensim_available(),
                          disabled=not six_models.gensim_available(), key="cmp_gensim", help=t("compare.six.gensim_help"))
with_bench = c3.checkbox(t("compare.six.bench"), value=False, key="cmp_bench", help=t("compare.six.bench_help"))
six_settings = {**base, "epochs": int(six_epochs)}
six_key = {"corpus": corpus_label, "planted": planted.settings if truth else None, **six_settings,
           "words": list(chosen), "gensim": with_gensim, "bench": with_bench}
if st.button(t("compare.six.button"), key="cmp_six_go", type="primary"):
    def run_six(out, progress):
        six_models.train_six(sentences, six_settings, words=chosen, truth=truth, benchmarks=with_bench,
                       with_gensim=with_gensim, progress=progress, out=out)
    try:
        cmp.run_with_progress(state.CMP_SIX, six_key, run_six, t("compare.six.label"))
    except ValueError as e:
        st.error(t("compare.six.train_error", error=e))
res = cmp.stored(state.CMP_SIX, six_key)
if res and res["rows"]:
    rows = res["rows"]
    if rows[-1].get("stopped"):
        st.warning(t("compare.six.stopped_partway", n=len(rows)))
    elif not res["done"] or len(rows) < 6:
        st.warning(t("compare.six.stopped", n=len(rows)))
    st.dataframe(cmp.six_table(rows), hide_index=True, width="stretch")
    l, r = st.columns(2)
    l.plotly_chart(cmp.loss_figure(rows), key="cmp_loss_fig")
    l.caption(t("compare.six.loss_caption"))
    r.plotly_chart(cmp.cost_figure(rows), key="cmp_cost_fig")
    r.caption(t("compare.six.cost_caption"))
    if rows[0].get("planted_bins"):
        st.markdown(t("compare.six.bins_title"))
        st.dataframe([{t("compare.col.model"): r["name"],
                       **{t(f"compare.bin.{b['bin']}"): round(b["precision"], 3) for b in r["planted_bins"]}}
                      for r in rows], hide_index=True)
    if truth is not None and chosen:
        st.caption(t("compare.six.neighbour_caption"))
    for w in chosen:
        st.markdown(t("compare.six.neighbours_of", word=w))
        table = cmp.neighbour_table(rows, w, 5, truth)
        if getattr(table, "empty", False):
            st.info(t("compare.six.not_in_vocab", word=w))
        else:
            st.dataframe(table, width="stretch")
elif res is None and st.session_state.get(state.CMP_SIX):
    st.caption(t("compare.six.changed"))
show_source(six_models.train_six, six_models.dot_products_per_update, label=t("compare.show_code"))

# ---------------------------------------------------------------- the claims, tested fairly
st.header(t("compare.claims.title"))
st.markdown(t("compare.claims.intro"))
lit_col, data_col = st.columns(2)
lit_col.subheader(t("compare.claims.lit_header"))
lit_col.markdown(t("compare.claims.lit_body"))
data_col.subheader(t("compare.claims.data_header"))
verdict_box = data_col.container()          # filled below, once the runs are known

c1, c2, c3 = st.columns([1.4, 1, 1])
data_kind = choice(c1.radio, t("compare.claims.data"), cmp.CLAIMS_DATA, lambda k: t(f"compare.claims.data_{k}"),
                   "cmp_claims_data", default=cmp.CLAIMS_DATA[0])
scale = choice(c2.radio, t("compare.claims.scale"), ["default", "larger"], lambda k: t(f"compare.claims.scale_{k}"),
               "cmp_claims_scale", default="default")
n_seeds = c3.slider(t("compare.claims.seeds"), 2, 8, 3, key="cmp_seeds", help=t("compare.claims.seeds_help"))
seeds = list(range(1, n_seeds + 1))
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
cbow_rule = choice(st.radio, t("compare.claims.cbow_rule"), list(claims.CBOW_RULES), lambda r: t(f"compare.claims.rule_{r}"),
                   "cmp_cbow_rule", default=list(claims.CBOW_RULES)[0], horizontal=True)

claims_base = {**claims.CLAIMS_SETTINGS, "objective": objective}
try:
    data = cmp.claims_data(data_kind, scale)
except ValueError as e:
    st.error(t("compare.claims.not_installed", error=e))
    st.stop()
sizes = cmp.claims_sizes(data_kind, scale, data.n_tokens)
st.caption(t("compare.claims.settings_caption", objective=objective_label(objective), d=claims_base["vector_size"],
             window=claims_base["window"], k=claims_base["negative"], sample=f"{claims_base['sample']:g}",
             min_count=claims_base["min_count"], alpha=f"{claims_base['alpha']:g}",
             min_alpha=f"{claims_base['min_alpha']:g}", sizes=" / ".join(f"{s:,}" for s in sizes)))

st.markdown("**" + t("compare.claims.rules_header") + "**")
r1, r2 = st.columns(2)
for col, arch, rule_name in ((r1, "skipgram", "skipgram"), (r2, "cbow", cbow_rule)):
    col.markdown(t("compare.claims.rule_of", arch=architecture_label(arch), rule=cmp.rule_text(arch, cbow_rule)))
    col.latex(cmp.RULE_LATEX[rule_name])

n_runs = len(sizes) * 2 * len(seeds)
if scale == "larger" or data_kind != "planted":
    st.caption(t("compare.claims.estimate_slow", low=30, high=180))
exp_key = {"data": data.key, "sizes": sizes, "seeds": seeds, "base": claims_base, "budget": budget,
           "amount": amount, "cbow_rule": cbow_rule}
if st.button(t("compare.claims.run", n=n_runs), key="cmp_claims_go", type="primary", help=t("compare.claims.run_help")):
    cmp.run_claims(exp_key, data, sizes, seeds, claims_base, budget, amount, cbow_rule)

rows = cmp.cached_rows(data, sizes, seeds, claims_base, budget, amount, cbow_rule)
record = cmp.claims_record(exp_key)
errors = [r["error"] for r in (record or {}).get("rows", []) if "error" in r]
if errors:
    st.warning(t("compare.claims.errors", error=errors[0]))
if rows and len(rows) < n_runs:
    st.warning(t("compare.claims.partial", n=len(rows), total=n_runs))

with verdict_box:
    if not rows:
        st.info(t("compare.claims.data_none"))
if rows:
    metrics = data.metrics
    metric = (st.radio(t("compare.claims.metric"), metrics, horizontal=True, key="cmp_claims_metric")
              if len(metrics) > 1 else metrics[0])
    chance = data.truth.chance_precision() if data.kind == "planted" else None
    summary = claims.claims_summary(rows, metric)
    st.plotly_chart(cmp.claims_figure(summary, metric, chance, t("compare.claims.growth_title")),
                    key="cmp_claims_fig")
    st.caption(t("compare.claims.growth_caption"))
    st.markdown(t("compare.claims.verdicts"))
    st.markdown("\n".join("- " + cmp.outcome_text(s, t("compare.verdict.tokens", size=f"{s['size']:,}"))
                          for s in summary))
    largest = max(s["size"] for s in summary)
    bin_summaries = {b: next((s for s in claims.claims_summary(rows, metric, b) if s["size"] == largest), None)
                     for b in data.bins}
    bin_summaries = {b: s for b, s in bin_summaries.items() if s is not None}
    if bin_summaries:
        st.plotly_chart(cmp.claims_bins_figure(bin_summaries, metric, chance,
                                               t("compare.claims.bins_title", size=f"{largest:,}")),
                        key="cmp_claims_bins_fig")
        st.caption(t(f"compare.claims.bins_caption_{data.kind}"))
        st.markdown("\n".join("- " + cmp.outcome_text(s, t(f"compare.bin.{b}")) for b, s in bin_summaries.items()))
    with verdict_box:
        small, large = summary[0], summary[-1]
        lines = [t("compare.claims.data_small", size=f"{small['size']:,}", outcome=cmp.short_outcome(small)),
                 t("compare.claims.data_large", size=f"{large['size']:,}", outcome=cmp.short_outcome(large))]
        for b in ("rare", "frequent"):
            if b in bin_summaries:
                lines.append(t(f"compare.claims.data_{b}", size=f"{largest:,}", outcome=cmp.short_outcome(bin_summaries[b])))
        st.markdown("\n".join("- " + x for x in lines))
        st.caption(t("compare.claims.data_setup", budget=t(f"compare.claims.budget_{budget}"),
                     rule=t(f"compare.claims.rule_{cbow_rule}"), seeds=len(seeds),
                     data=t(f"compare.claims.data_{data_kind}")))
        st.caption(t("compare.claims.data_note"))
    facts = cmp.ratio_facts(rows)
    with st.expander(t("compare.claims.why_header"), expanded=True):
        if facts:
            st.markdown(t("compare.claims.why_body", **facts))
    with st.expander(t("compare.claims.runs_header")):
        st.dataframe(cmp.runs_table(rows, metric), hide_index=True, width="stretch")
        st.caption(t("compare.claims.coverage_note"))
show_source(claims.claims_experiment, claims.train_budgeted, lesson_stats.compare_intervals, hard_planted, quality_by_frequency,
            label=t("compare.show_code"))
