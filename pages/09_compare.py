"""Compare models: the six models side by side, and experiments that test textbook claims on a planted corpus."""

import streamlit as st

from engine import experiments as exps
from engine.synthetic import planted_corpus, quality_by_frequency
from ui import compare as cmp
from ui import state
from ui.code import show_source
from ui.settings import objective_label

st.title("Compare models")
st.markdown(
    "Word2Vec is six models: two **architectures** (skip-gram predicts each context word from the centre "
    "word; CBOW predicts the centre word from its context) times three **output layers** (full softmax over "
    "all V words; hierarchical softmax along a Huffman-tree path; negative sampling against k noise words). "
    "Train all six on the same text with the same seed and see what differs.")
st.latex(r"\text{dot products per update:}\quad \underbrace{V}_{\text{full softmax}} \quad"
         r"\underbrace{\approx \log_2 V}_{\text{hierarchical softmax}} \quad \underbrace{k+1}_{\text{negative sampling}}")

settings = state.current_settings()
base = {k: settings[k] for k in state.SETTING_NAMES}

# ---------------------------------------------------------------- which corpus
st.header("1. The corpus")
corpus_kind = st.radio("Train on", ["sidebar", "planted"], horizontal=True, key="cmp_corpus_kind", index=1,
                       format_func={"sidebar": f"the sidebar's corpus ({settings['corpus']})",
                                    "planted": "a generated corpus with planted groups (known right answers)"}.get)
c1, c2, c3, c4, c5 = st.columns(5)
n_tokens = c1.select_slider("Tokens", [2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000], 10_000,
                            key="cmp_tokens", help="How much text to generate.")
n_groups = c2.slider("Groups", 2, 24, 8, key="cmp_groups")
group_size = c3.slider("Words per group", 3, 50, 10, key="cmp_group_size")
zipf_s = c4.slider("Zipf exponent s", 0.0, 2.0, 1.1, 0.1, key="cmp_zipf",
                   help="The r-th most frequent planted word occurs about 1/r^s as often as the first. "
                        "Larger s: more very rare words.")
gen_seed = c5.number_input("Corpus seed", 0, 10_000, 1, key="cmp_gen_seed")
planted = cmp.get_planted(int(n_tokens), int(n_groups), int(group_size), float(zipf_s), int(gen_seed))
with st.expander(f"Look at the planted corpus ({planted.n_tokens():,} tokens, {len(planted.sentences):,} "
                 f"sentences, {len(planted.group_of)} planted words)", expanded=False):
    st.markdown(
        "Each sentence is about one group: about half of its words come from that group (words of "
        "one group are drawn in proportion to a Zipf law), the rest are filler words (*the, of, ...*), and "
        "5% of the group words are noise from another group. A good model puts each word near the "
        "**other words of its group**. We score that as **neighbour precision@5**: of a word's 5 nearest "
        "planted words, the share from its own group (1 = perfect; chance = "
        f"{planted.chance_precision():.2f}).")
    st.code("\n".join(" ".join(s) for s in planted.sentences[:6]), language=None)
    l, r = st.columns([1.3, 1])
    l.dataframe(cmp.group_table(planted), hide_index=True, width="stretch")
    r.plotly_chart(cmp.zipf_figure(planted), key="cmp_zipf_fig")
show_source(planted_corpus)

if corpus_kind == "planted":
    sentences, truth, corpus_label = planted.sentences, planted, f"planted corpus ({planted.n_tokens():,} tokens)"
else:
    try:
        sentences, truth, corpus_label = state.current_sentences(), None, settings["corpus"]
    except ValueError as e:
        st.error(f"Could not read the sidebar's corpus: {e}")
        st.stop()

# ---------------------------------------------------------------- six models
st.header("2. Six models side by side")
st.caption(f"On the {corpus_label}, with the sidebar's settings (d = {base['vector_size']}, window = {base['window']}, "
           f"k = {base['negative']}, sample = {base['sample']:g}, min_count = {base['min_count']}, alpha = "
           f"{base['alpha']:g}, seed = {base['seed']}) and the epochs below.")
c1, c2, c3 = st.columns([1, 2, 1.2])
six_epochs = c1.number_input("Epochs", 1, 200, 5, key="cmp_six_epochs")
model = state.get_model()
vocab_words = planted.planted_words if truth is not None else (model.vocab.index_to_key if model else [])
default_words = ([planted.groups[g][0] for g in list(planted.groups)[:3]] if truth is not None
                 else [w for w in ["king", "paris", "apple", "dog", "fox"] if w in set(vocab_words)][:3])
chosen = c2.multiselect("Words whose neighbours to compare", vocab_words, default=default_words, max_selections=6,
                        key=f"cmp_words_{corpus_kind}_{settings['corpus']}")
with_gensim = c3.checkbox("Also train gensim with the same settings", value=exps.gensim_available(),
                          disabled=not exps.gensim_available(), key="cmp_gensim",
                          help="Shows how many of the top-10 neighbours gensim finds too. gensim has no full softmax.")
with_bench = c3.checkbox("Score on WordSim / SimLex / Google", value=False, key="cmp_bench",
                         help="Meaningful only for real corpora with a large vocabulary.")
six_settings = {**base, "epochs": int(six_epochs)}
six_key = {"corpus": corpus_label, "planted": planted.settings if truth else None, **six_settings,
           "words": list(chosen), "gensim": with_gensim, "bench": with_bench}
if st.button("Train the six models", key="cmp_six_go", type="primary"):
    def run_six(out, progress):
        exps.train_six(sentences, six_settings, words=chosen, truth=truth, benchmarks=with_bench,
                       with_gensim=with_gensim, progress=progress, out=out)
    try:
        cmp.run_with_progress(state.CMP_SIX, six_key, run_six, "six models")
    except ValueError as e:
        st.error(f"Could not train: {e}")
res = cmp.stored(state.CMP_SIX, six_key)
if res and res["rows"]:
    rows = res["rows"]
    if not res["done"] or len(rows) < 6 or rows[-1].get("stopped"):
        st.warning(f"Stopped: {len(rows)} of 6 models finished" + (" (the last one part-way)." if rows[-1].get("stopped") else "."))
    st.dataframe(cmp.six_table(rows), hide_index=True, width="stretch")
    l, r = st.columns(2)
    l.plotly_chart(cmp.loss_figure(rows), key="cmp_loss_fig")
    l.caption("Colour = output layer, dashed = CBOW. The three losses are on different scales (softmax: −log p "
              "over V words; hierarchical softmax: a sum of about log2 V binary losses; negative sampling: a "
              "sum of k+1), so compare the shapes, not the heights.")
    r.plotly_chart(cmp.cost_figure(rows), key="cmp_cost_fig")
    r.caption("Skip-gram makes one update per (centre, context) pair, CBOW one per centre word, so skip-gram "
              "does about window + 1 times more updates per epoch (the radius is drawn from 1..window, so a centre "
              "has window + 1 context words on average).")
    if rows[0].get("planted_bins"):
        st.markdown("**Planted truth, by word frequency** (precision@5 on rare / middle / frequent planted words):")
        st.dataframe([{"model": r["name"], **{b["bin"]: round(b["precision"], 3) for b in r["planted_bins"]}}
                      for r in rows], hide_index=True)
    if truth is not None and chosen:
        st.caption("Neighbour tables: green = a word of the same planted group (right), red = another group or a filler.")
    for w in chosen:
        st.markdown(f"**Neighbours of '{w}'**")
        table = cmp.neighbour_table(rows, w, 5, truth)
        if getattr(table, "empty", False):
            st.info(f"'{w}' is not in the vocabulary of these models (min_count may have removed it).")
        else:
            st.dataframe(table, width="stretch")
elif res is None and st.session_state.get(state.CMP_SIX):
    st.caption("Settings changed since the last run: press the button to train again.")
show_source(exps.train_six, exps.dot_products_per_update)

# ---------------------------------------------------------------- experiments
st.header("3. Test the claims yourself")
st.markdown(
    "Books and courses repeat two claims about the architectures: **CBOW** is faster and does well on "
    "frequent words, while **skip-gram** needs more updates but represents **rare words** better (Mikolov's "
    "word2vec notes); and one of them suits **small** corpora, the other **large** ones (sources disagree on "
    "which). On the planted corpus above the right answers are known, so you can measure both.")
arch_obj = st.selectbox("Output layer for both architectures", exps.OBJECTIVES,
                        index=exps.OBJECTIVES.index(settings["objective"]), key="cmp_exp_objective",
                        format_func=objective_label)
c1, c2 = st.columns(2)
exp_epochs = c1.number_input("Epochs per run", 1, 100, 5, key="cmp_exp_epochs")
n_seeds = c2.slider("Seeds per point (for error bars)", 1, 8, 3, key="cmp_seeds")
seeds = list(range(1, n_seeds + 1))
exp_settings = {**base, "objective": arch_obj, "epochs": int(exp_epochs)}

st.subheader("a. CBOW versus skip-gram as the corpus grows")
fractions = st.multiselect("Shares of the planted corpus to train on", [0.05, 0.1, 0.25, 0.5, 0.75, 1.0],
                           default=[0.1, 0.25, 0.5, 1.0], format_func=lambda f: f"{f:.0%}", key="cmp_fractions")
growth_key = {"planted": planted.settings, **exp_settings, "fractions": sorted(fractions), "seeds": seeds}
n_runs = len(fractions) * 2 * len(seeds)
if st.button(f"Run ({n_runs} trainings)", key="cmp_growth_go", type="primary", disabled=not fractions):
    cmp.run_with_progress(state.CMP_GROWTH, growth_key,
                          lambda out, progress: exps.corpus_growth(planted, sorted(fractions), seeds, exp_settings,
                                                                   progress=progress, out=out),
                          "corpus growth")
res = cmp.stored(state.CMP_GROWTH, growth_key)
if res and res["rows"]:
    if not res["done"]:
        st.warning(f"Stopped: {len(res['rows'])} of {n_runs} trainings finished.")
    summary = exps.summarize(res["rows"], ["fraction", "tokens", "architecture"])
    st.plotly_chart(cmp.growth_figure(summary, planted.chance_precision()), key="cmp_growth_fig")
    st.caption("Each point: the mean over seeds of the neighbour precision@5 of all planted words; bars: ± one "
               "standard deviation. With the same number of epochs, skip-gram does more updates than CBOW "
               "(see the seconds per run below).")
    st.markdown(cmp.verdict(summary, "tokens", lambda t: f"{t:,} tokens"))
    st.dataframe(cmp.growth_table(res["rows"]), hide_index=True)

st.subheader("b. Rare versus frequent words")
n_bins = st.radio("Frequency groups", [2, 3, 4], index=1, horizontal=True, key="cmp_bins")
rare_key = {"planted": planted.settings, **exp_settings, "seeds": seeds, "bins": n_bins}
if st.button(f"Run ({2 * len(seeds)} trainings on the whole planted corpus)", key="cmp_rare_go", type="primary"):
    cmp.run_with_progress(state.CMP_RARE, rare_key,
                          lambda out, progress: exps.rare_vs_frequent(planted, seeds, exp_settings, n_bins=n_bins,
                                                                      progress=progress, out=out),
                          "rare versus frequent")
res = cmp.stored(state.CMP_RARE, rare_key)
if res and res["rows"]:
    if not res["done"]:
        st.warning("Stopped before all runs finished; the bars show the runs that did.")
    summary = exps.summarize(res["rows"], ["bin", "architecture"])
    ranges = {r["bin"]: f"seen {r['min_count']}–{r['max_count']} times" for r in res["rows"]}
    st.plotly_chart(cmp.bins_figure(summary, planted.chance_precision(), ranges), key="cmp_rare_fig")
    st.caption("Planted words sorted by how often they occur in the corpus and cut into equal groups. "
               "Rare words get few updates, so their vectors stay closer to where they started.")
    st.markdown(cmp.verdict(summary, "bin", lambda b: f"the {b} words"))
show_source(exps.corpus_growth, exps.rare_vs_frequent, quality_by_frequency)
