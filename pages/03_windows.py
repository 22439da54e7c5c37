"""Context windows: the sliding window over one sentence, its reduced radius, and the examples it yields."""

import html

import pandas as pd
import streamlit as st

from engine import examples, inspect_tools
from ui import charts, state, step_view
from ui.code import show_source
from ui.settings import ui_range

MAX_SHOWN = 24          # words of a line drawn at once (a Wikipedia "line" is a whole article)

st.title("Context windows")
model = step_view.page_model()
st.markdown(
    "Word2Vec never sees a sentence as a whole: it slides a **window** over it. Each word in turn is the "
    "**center**; the words at most `window` positions to its left and right are its **context**. "
    "Skip-gram turns every (center, context word) pair into one training example; CBOW turns every window "
    "into one example that predicts the center from all its context words.")
c1, c2 = st.columns(2)
c1.latex(r"\text{skip-gram: } \max \frac{1}{T}\sum_{t=1}^{T}\sum_{\substack{-c \le j \le c\\ j \ne 0}}"
         r"\log p(w_{t+j} \mid w_t)")
c2.latex(r"\text{CBOW: } \max \frac{1}{T}\sum_{t=1}^{T}\log p\Bigl(w_t \,\Big|\, \tfrac{1}{2c}"
         r"\textstyle\sum_{j} v_{w_{t+j}}\Bigr)")

# lengths of every sentence after min_count, once per model (for the counts and the warning below)
key = st.session_state.get(state.MODEL_KEY)
cached = st.session_state.get(state.WINDOWS_LENGTHS)
if cached is None or cached[0] != key:
    cached = (key, [len(model.vocab.encode(s)) for s in model.sentences])
    st.session_state[state.WINDOWS_LENGTHS] = cached
lengths = cached[1]
longest = max(lengths) if lengths else 0

st.subheader("One sentence, window by window")
cols = st.columns(5)
n_sent = len(model.sentences)
first_long = next((i for i, L in enumerate(lengths) if L >= 6), 0)
idx = cols[0].number_input(f"sentence (1 to {n_sent:,})", 1, n_sent, first_long + 1, key="windows_sentence") - 1
window = cols[1].slider("window (radius c)", *ui_range("window"), int(model.window), key="windows_window",
                        help="The note's skip_window. Starts at the sidebar's value.")
shrink = cols[2].toggle("random shrinking", value=bool(model.shrink_windows), key="windows_shrink",
                        help="word2vec.c draws each center's radius uniformly from 1..window")
skips_options = [None] + list(range(1, 2 * window + 1))
num_skips = cols[3].selectbox("num_skips (skip-gram)", skips_options, key="windows_skips",
                              format_func=lambda x: "all" if x is None else str(x),
                              help="How many of the window's context words to use per center")
seed = cols[4].number_input("seed of the draw", *ui_range("seed"), int(model.seed), key="windows_seed")

tokens = [model.vocab.index_to_key[i] for i in model.vocab.encode(model.sentences[idx])]
if len(tokens) < 2:
    st.info("This sentence has fewer than two words in the vocabulary, so it yields no examples. Choose another.")
    st.stop()
if window >= longest:
    st.warning(f"The window (radius {window}) is larger than every sentence of this corpus (the longest has "
               f"{longest} words in the vocabulary): every center sees its whole sentence, and windows never "
               "cross into the next line. Training still works; a larger window changes nothing.")

windows = inspect_tools.sentence_windows(len(tokens), window, shrink=shrink, num_skips=num_skips, seed=int(seed))
start, end = 0, len(tokens)
if len(tokens) > MAX_SHOWN:
    start = st.slider(f"this line has {len(tokens):,} words; show {MAX_SHOWN} of them, from word", 1,
                      len(tokens) - MAX_SHOWN + 1, 1, key="windows_start") - 1
    end = start + MAX_SHOWN
shown = tokens[start:end]
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(charts.window_grid(shown, inspect_tools.clip_windows(windows, start, end)), key="windows_grid")
with right:
    legend = [("#ff7f0e", "center word"), ("#1f77b4", "context word used for training"),
              ("#c6dbef", "in the reduced window, not picked by num_skips"),
              ("#e0e0e0", "in the full window but cut by this center's reduced radius")]
    st.markdown("<br>".join(f"<span style='background:{c};padding:0 10px;border:1px solid #ccc'>&nbsp;</span> "
                            f"{t}" for c, t in legend), unsafe_allow_html=True)
    st.markdown(
        f"Each row is one position of the window. With **random shrinking** (word2vec.c's default) each center "
        f"draws its own radius r uniformly from 1 to {window}, so near words are used more often than far ones "
        f"(a word at distance k is used with probability (c − k + 1)/c). **num_skips** (from the lecture notes) "
        "keeps only that many of the context words per center, chosen at random.")
    st.caption("Words below min_count were removed first. Subsampling, when on, would also remove some tokens "
               "before the windows are taken (see the Corpus page).")

st.subheader("The training examples of this sentence" if end - start == len(tokens) else
             f"The training examples of words {start + 1}–{end} of this line")
positions = list(range(start, end))
center = st.select_slider("center word", options=positions, value=positions[min(2, len(positions) - 1)],
                          format_func=lambda i: f"{i + 1}: {tokens[i]}", key="windows_center")
w = windows[center]
spans = []
for j in positions:
    tok = tokens[j]
    t = html.escape(tok)
    if j == center:
        spans.append(f"<span style='background:#ff7f0e;color:white;padding:2px 6px;border-radius:4px'>{t}</span>")
    elif j in w.used:
        spans.append(f"<span style='background:#1f77b4;color:white;padding:2px 6px;border-radius:4px'>{t}</span>")
    elif j in w.reduced:
        spans.append(f"<span style='background:#c6dbef;padding:2px 6px;border-radius:4px'>{t}</span>")
    elif j in w.full:
        spans.append(f"<span style='background:#e0e0e0;padding:2px 6px;border-radius:4px'>{t}</span>")
    else:
        spans.append(t)
st.markdown("<div style='font-size:1.25rem;line-height:2.2'>" + " ".join(spans) + "</div>", unsafe_allow_html=True)
st.caption(f"Center '{tokens[center]}': full window ±{window}, reduced radius r = {w.radius}.")

sg = inspect_tools.training_pairs(tokens, windows[start:end], "skipgram")
cb = inspect_tools.training_pairs(tokens, windows[start:end], "cbow")
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**Skip-gram: {len(sg)} examples** (input → target). The center predicts each context word.")
    st.dataframe(pd.DataFrame({"input (center)": [p[0][0] for p in sg], "→ target (context word)": [p[1] for p in sg]}),
                 hide_index=True, height=min(400, 40 + 35 * len(sg)), key="windows_sg")
with c2:
    st.markdown(f"**CBOW: {len(cb)} examples** (inputs → target). All context words together predict the center.")
    st.dataframe(pd.DataFrame({"inputs (context words, averaged into h)": [", ".join(p[0]) for p in cb],
                               "→ target (center)": [p[1] for p in cb]}),
                 hide_index=True, height=min(400, 40 + 35 * len(cb)), key="windows_cbow")
st.caption("The lecture notes' skip-gram predicts the context word from the center, as here; word2vec.c and "
           "gensim swap the two roles (the context word's vector predicts the center). Over a symmetric window "
           "both see the same pairs.")

st.subheader("How many examples one epoch holds")
counts = inspect_tools.example_counts(lengths, window, shrink=shrink, num_skips=num_skips, seed=int(seed))
m = st.columns(4)
m[0].metric("tokens in the vocabulary", f"{sum(lengths):,}")
m[1].metric("skip-gram examples (this draw)", f"{counts['skipgram']:,}")
m[2].metric("skip-gram, full window", f"{counts['skipgram_full']:,}")
m[3].metric("CBOW examples", f"{counts['cbow']:,}")
st.markdown(
    f"Skip-gram makes one update per (center, context) pair: about {counts['skipgram_expected']:,.0f} per epoch on "
    f"average over the random radii, up to {counts['skipgram_full']:,} with the full window. CBOW makes one update "
    f"per center, {counts['cbow']:,}, each with up to {2 * window} input words averaged into h, which is why CBOW is "
    "faster per epoch and skip-gram does better on rare words.")

show_source(inspect_tools.sentence_windows, inspect_tools.training_pairs, examples.make_chunk)
