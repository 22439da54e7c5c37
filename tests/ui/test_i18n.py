"""The interface in English and 中文: the catalogues, the language switch, every page in both languages,
no untranslated English on the Chinese pages, and the engine's messages translated at the UI boundary.

The catalogues (ui/texts/<lang>/<area>.toml) must hold the same keys with the same {placeholders};
every page listed in app.py's navigation must run in both languages; in Chinese mode the visible texts
of every page (and the sidebar, and the texts inside the shared charts) may not hold a run of four or
more English words outside code, formulas and the corpus's own words; and the engine's common errors (bad
settings, unknown words, divergence, bad uploads and word2vec files) must come out in Chinese.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import numpy as np
import pytest

import engine
from engine.config import Config
from engine.keyed_vectors import KeyedVectors, parse_word2vec_bytes
from engine.update import diverged_message
from tests.conftest import kept_choice, run_app
from ui import i18n, state
from ui.charts import figures, lesson, objectives, vega
from ui.i18n import ENGINE_PATTERNS, LANG_KEY, catalogue, engine_message

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
LANGS = ("en", "zh")
MINE = ["pages/02_corpus.py", "pages/03_windows.py", "pages/05_hierarchical_softmax.py",
        "pages/06_negative_sampling.py", "pages/08_explore.py", "pages/10_import_export.py"]
CJK = re.compile(r"[\u4e00-\u9fff]")
# Four or more English words in a row, separated only by spaces, commas or markdown emphasis: a sentence
# left in English. Numbers, symbols, CJK punctuation and names with "_" or "." (vector_size, W_in,
# word2vec.c) break a run, so settings, formulas and word lists (joined with 、) do not count.
ENGLISH_RUN = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z'’-]*(?:[ \t*,]+[A-Za-z][A-Za-z'’-]*(?![\w.])){3,}")
ALLOWED_RUNS = {
    "TensorFlow Embedding Projector",    # a product's name (3 words, listed for clarity)
}


def app_pages() -> list:
    """Every page script listed in app.py's st.navigation (read, not executed), in menu order."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    return sorted(node.args[0].value for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args
                  and isinstance(node.args[0], ast.Constant))


def fields(text: str) -> set:
    """The {placeholders} of a text; a text holding LaTeX braces is not a format string (t() is called
    without values for it), so it has none."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return set()


# ---------------------------------------------------------------- the catalogues
def test_both_catalogues_hold_the_same_keys_with_the_same_placeholders_and_no_empty_text():
    en, zh = catalogue("en"), catalogue("zh")
    assert len(en) > 300
    assert sorted(set(en) - set(zh)) == [], "keys missing in zh"
    assert sorted(set(zh) - set(en)) == [], "keys missing in en"
    assert [k for k in en if not en[k].strip() and k != "common.sentence_sep"] == []
    assert [k for k in zh if not zh[k].strip() and k != "common.sentence_sep"] == []
    assert {k: (fields(en[k]), fields(zh[k])) for k in en if fields(en[k]) != fields(zh[k])} == {}
    area_files = {p.name for p in (ROOT / "ui" / "texts" / "en").glob("*.toml")}
    assert area_files == {p.name for p in (ROOT / "ui" / "texts" / "zh").glob("*.toml")}


def test_chinese_texts_are_chinese_and_use_the_notes_terms():
    zh = catalogue("zh")
    english_only = [k for k, v in zh.items() if not CJK.search(v) and len(v.split()) > 3]
    assert english_only == []
    text = " ".join(zh.values())
    for term in ("词向量", "中心词", "上下文", "负采样", "层次softmax", "哈夫曼树", "滑动窗口", "学习率", "损失"):
        assert term in text, term
    for wrong in ("层级softmax", "分层softmax", "霍夫曼", "赫夫曼", "负抽样", "嵌入向量"):
        assert wrong not in text, wrong


def test_each_engine_pattern_key_uses_only_its_own_groups():
    for pattern, key in ENGINE_PATTERNS:
        groups = set(re.compile(pattern).groupindex)
        for lang in LANGS:
            assert key in catalogue(lang), key
            assert fields(catalogue(lang)[key]) <= groups, (key, lang)


def test_display_names_in_english_are_the_engines():
    from engine.objectives import ARCHITECTURE_TABLE, OBJECTIVE_TABLE

    en = catalogue("en")
    assert all(en[f"sidebar.obj_{k}"] == v.label for k, v in OBJECTIVE_TABLE.items())
    assert all(en[f"sidebar.arch_{k}"] == v.label for k, v in ARCHITECTURE_TABLE.items())
    assert all(f"sidebar.label_{row.name}" in en and f"sidebar.help_{row.name}" in en
               for row in __import__("ui.settings", fromlist=["SIDEBAR"]).SIDEBAR)


# ---------------------------------------------------------------- engine messages
def engine_errors() -> dict:
    """The engine's common errors, raised by the engine itself: {what: message}."""
    out = {}
    sentences = [["the", "cat", "sat"], ["the", "dog", "sat"]]
    for name, kwargs in [("bad window", dict(window=0)), ("bad alpha", dict(alpha=-1.0)),
                         ("bad architecture", dict(architecture="lstm")), ("bad bool", dict(cbow_mean="yes")),
                         ("bad num_skips", dict(window=2, num_skips=9))]:
        with pytest.raises((ValueError, TypeError)) as e:
            Config(**kwargs).validate()
        out[name] = str(e.value)
    with pytest.raises(ValueError) as e:
        engine.Word2Vec(min_count=10).build_vocab(sentences)
    out["all below min_count"] = str(e.value)
    with pytest.raises(ValueError) as e:
        engine.Word2Vec().build_vocab([["a"], ["b"]])
    out["no examples"] = str(e.value)
    with pytest.raises(ValueError) as e:
        engine.Word2Vec().build_vocab([["a", "a"]])
    out["negative sampling, one word"] = str(e.value)
    with pytest.raises(ValueError) as e:
        engine.Vocabulary.build([[]])
    out["empty corpus"] = str(e.value)
    kv = KeyedVectors(["king", "queen"], np.eye(2, dtype=np.float32))
    with pytest.raises(KeyError) as e:
        kv.most_similar("kong")
    out["not in vocabulary"] = str(e.value)
    out["diverged"] = diverged_message(37, 250.0, float("nan"))
    for name, data in [("empty upload", b""), ("binary upload", b"\x00\x01 the cat"),
                       ("latin-1 upload", "le café est très bon\n".encode("latin-1"))]:
        with pytest.raises(ValueError) as e:
            engine.decode_corpus_bytes(data, "up.txt")
        out[name] = str(e.value)
    with pytest.raises(ValueError) as e:
        engine.decode_corpus_bytes(b"!!! ??? ...\n", "up.txt")
    out["no words"] = str(e.value)
    for name, data in [("w2v empty", b""), ("w2v no header", b"vectors: none\n1 2 3"),
                       ("w2v truncated", b"5 2\nking 0.1 0.2\n"), ("w2v bad line", b"2 2\nking 0.1 0.2\nqueen 0.2\n"),
                       ("w2v not numbers", b"1 2\nking a b\n"), ("w2v nan", b"1 2\nking nan 0.2\n"),
                       ("w2v twice", b"2 2\nking 0.1 0.2\nking 0.3 0.4\n")]:
        with pytest.raises(ValueError) as e:
            parse_word2vec_bytes(data, name="v.txt")
        out[name] = str(e.value)
    return out


def test_the_engines_common_errors_come_out_in_chinese():
    for what, message in engine_errors().items():
        zh = engine_message(message, "zh")
        assert zh != message and CJK.search(zh), (what, message)
        assert not ENGLISH_RUN.search(zh), (what, zh)
        assert engine_message(message, "en") == message


def test_values_in_engine_messages_survive_translation():
    zh = engine_message("window=0 is not allowed: window must be an integer in [1, 100]", "zh")
    assert "window=0" in zh and "[1, 100]" in zh
    zh = engine_message(diverged_message(37, 250.0, float("nan")), "zh")
    assert "37" in zh and "250" in zh and "学习率" in zh
    assert engine_message("something the engine never said", "zh") == "something the engine never said"


# ---------------------------------------------------------------- pages in both languages
@pytest.fixture(autouse=True)
def english_outside_runs():
    """open_app(lang) sets the language of format_func calls AppTest makes after a run; reset afterwards."""
    yield
    i18n.outside_runs("en")


def open_app(lang: str, page: str | None = None, **session):
    i18n.outside_runs(lang)
    return run_app(page, locale="zh-CN" if lang == "zh" else "en-US", timeout=60, **session)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_of_the_app_runs_in_both_languages(clear_streamlit_caches, lang):
    pages = app_pages()
    assert set(MINE) <= set(pages) and len(pages) >= 10
    at = open_app(lang, sb_corpus="tiny")
    assert at.session_state[LANG_KEY] == lang
    for page in pages:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, lang, [e.value for e in at.exception])
        assert at.title, page


def visible_texts(at) -> list:
    """(kind, text) of everything a student reads: titles, markdown, captions, alerts, labels, help, tabs."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for kind in ("button", "slider", "select_slider", "number_input", "selectbox", "radio", "toggle",
                 "text_input", "multiselect", "checkbox", "metric", "expander", "tabs"):
        for e in getattr(at, kind, []):
            label = getattr(e, "label", None)
            if label:
                out.append((kind, str(label)))
            help_text = getattr(e, "help", None)
            if help_text:
                out.append((kind + ".help", str(help_text)))
    for e in at.get("file_uploader") + at.get("download_button") + at.get("segmented_control"):
        out.append(("label", e.proto.label))
    return out


def prose(text: str) -> str:
    """The text without code, formulas, links, and corpus words shown as data (inside HTML tags)."""
    text = re.sub(r"```.*?```|`[^`]*`|\$[^$]*\$", " ", text, flags=re.S)
    text = re.sub(r"<(span|b)[^>]*>.*?</\1>", " ", text, flags=re.S)          # highlighted corpus words
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)|https?://\S+", " ", text)
    return text


def corpus_words(at) -> set:
    """The session model's vocabulary: its words listed on a page are data (a window 'mother, is, grown,
    adult' of the English sample corpus on a Chinese page), not untranslated prose."""
    from ui import state

    try:
        model = at.session_state[state.MODEL]
    except KeyError:
        return set()
    return set(model.vocab.index_to_key) if model is not None and model.vocab is not None else set()


def english_runs(at) -> list:
    found = []
    vocab = corpus_words(at)
    for kind, text in visible_texts(at):
        for m in ENGLISH_RUN.finditer(prose(text)):
            run = m.group(0).strip(" *,")
            if run not in ALLOWED_RUNS and not set(re.split(r"[ \t*,]+", run)) <= vocab:
                found.append((kind, m.group(0), text[:120]))
    return found


def untranslated(at) -> list:
    return english_runs(at)


def test_chinese_pages_show_no_english_sentences(clear_streamlit_caches):
    at = open_app("zh", sb_corpus="royalty")
    seen = 0
    sessions = {"pages/05_hierarchical_softmax.py": {"sb_objective": "hierarchical_softmax"},
                "pages/06_negative_sampling.py": {"sb_objective": "negative_sampling"}}
    pages = app_pages()
    assert len(pages) >= 12
    for page in pages:                                     # every page of the app's navigation
        session = sessions.get(page, {})
        for key, value in session.items():
            at.session_state[key] = value
        at.switch_page(page)
        at.run()
        assert not at.exception, page
        assert untranslated(at) == [], page
        seen += len(visible_texts(at))
        prefix = {"pages/04_step.py": "step", "pages/05_hierarchical_softmax.py": "hs",
                  "pages/06_negative_sampling.py": "ns"}.get(page)
        if prefix:                                         # after a step: the step's own tables and captions
            at.button(key=f"{prefix}_next10").click().run()
            assert not at.exception and untranslated(at) == [], page
    assert seen > 500
    # the check itself finds English: the same page in English is full of it
    en = open_app("en", "pages/02_corpus.py", sb_corpus="royalty")
    assert len(english_runs(en)) > 20


# ---------------------------------------------------------------- texts inside the charts
def vega_texts(chart) -> list:
    """Every text a Vega-Lite chart (ui.charts.vega.VegaChart) shows or shows on hover: the title's lines, axis,
    legend and tooltip titles (anywhere in the spec), and the strings of its table (row and column labels)."""
    out = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("text", "title"):
            out.append(node)

    walk(chart.spec)
    for column in chart.data.column_names:
        if chart.data.schema.field(column).type == "string" and column != "ink":
            out += [str(x) for x in chart.data.column(column).to_pylist()]
    return [x for x in out if x]


def figure_texts(fig) -> list:
    """Every text a Plotly figure shows or shows on hover: titles, axis titles, annotations, legend
    names, hover templates (Plotly's %{...} placeholders removed) and hover texts kept as customdata.
    A Vega-Lite chart: vega_texts."""
    if isinstance(fig, vega.VegaChart):
        return vega_texts(fig)
    out = []
    layout = fig.to_plotly_json()["layout"]
    out.append((layout.get("title") or {}).get("text") or "")
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            out.append((axis.get("title") or {}).get("text") or "")
    out += [a.get("text") or "" for a in layout.get("annotations", ())]
    for trace in fig.data:
        out.append(trace.name or "")
        out.append(re.sub(r"%\{[^}]*\}", " ", trace.hovertemplate or ""))
        custom = trace.customdata
        if custom is not None:
            out += [str(c) for c in np.asarray(custom, dtype=object).ravel()]
    return [x for x in out if x]


def chart_gallery() -> dict:
    """One figure from each shared chart of ui/charts/, on Chinese corpus words (so any English run is ours)."""
    from engine import build_huffman
    from lessons.tree import tree_layout
    from lessons.windows import CenterWindow

    words = ["国王", "王后", "男人", "女人", "北京", "苹果"]
    counts = np.array([60, 30, 20, 10, 5, 2])
    tree = build_huffman(counts)
    windows = [CenterWindow(0, 1, (1, 2), (1,), (1,)), CenterWindow(1, 2, (0, 2, 3), (0, 2, 3), (0, 3)),
               CenterWindow(2, 1, (0, 1, 3), (1, 3), (1, 3)), CenterWindow(3, 1, (1, 2), (2,), (2,))]
    curves = {"α = 0.75": counts / counts.sum(), "α = 1": counts / counts.sum()}
    return {
        "heatmap": lesson.heatmap(np.eye(3), words[:3], title="W_in"),
        "heatmap_pair": figures.heatmap_pair(dict(z=np.eye(2), rows=words[:2], title="W_in"),
                                            dict(z=np.eye(2), rows=words[2:4], title="W_out")),
        "zipf": lesson.zipf(words, counts),
        "keep_probability": lesson.keep_probability(words, counts / counts.sum(), np.linspace(0.2, 1, 6), 1e-3),
        "window_grid": lesson.window_grid(words[:4], windows),
        "huffman_tree": objectives.huffman_tree(tree_layout(tree.children, expand=None), words,
                                            path_nodes=list(tree.paths[0]), target=0,
                                            node_text={tree.paths[0][0]: "σ=0.50"}),
        "huffman_tree_folded": objectives.huffman_tree(tree_layout(tree.children, expand=set()), words),
        "code_lengths": objectives.code_lengths(words, counts, tree.lengths, mean_length=2.1),
        "noise_distribution": objectives.noise_distribution(words, curves, "α = 0.75", marks={3: "1"}, target=0),
    }


def test_the_shared_charts_speak_the_sessions_language():
    seen = {}
    for lang in LANGS:
        i18n.outside_runs(lang)
        seen[lang] = {name: [(m.group(0), text[:80]) for text in figure_texts(fig)
                             for m in ENGLISH_RUN.finditer(re.sub(r"<[^>]+>", " ", text))]
                      for name, fig in chart_gallery().items()}
    assert {name: runs for name, runs in seen["zh"].items() if runs} == {}
    # the check finds English where there is English: every chart but the plain heatmaps holds a sentence
    assert {name for name, runs in seen["en"].items() if runs} >= {
        "zipf", "keep_probability", "window_grid", "huffman_tree", "huffman_tree_folded", "code_lengths",
        "noise_distribution"}


def test_the_train_button_and_its_progress_speak_chinese(clear_streamlit_caches):
    """Explore's "train to the end" (ui/training.train_with_progress): button, progress text and the page after
    it in Chinese. (The page runs alone: AppTest does not hand a plain button's click to a page reached
    with switch_page.)"""
    from streamlit.testing.v1 import AppTest

    i18n.outside_runs("zh")
    at = AppTest.from_file(str(ROOT / "pages" / "08_explore.py"), default_timeout=90)
    at.context["locale"] = "zh-CN"
    at.run()
    button = at.button(key="explore_train_go")
    assert button.label == catalogue("zh")["explore.train"]
    button.click().run()
    assert not at.exception
    assert at.session_state[state.MODEL].training_complete
    assert untranslated(at) == []
    assert "训练到结束" == catalogue("zh")["embedding.train_default"]


def test_chinese_corpus_page_with_an_unsegmented_corpus_warns_and_offers_the_fix(clear_streamlit_caches):
    at = open_app("zh", "pages/02_corpus.py", sb_corpus="chinese", sb_segmenter="spaces")
    assert any("接近 1" in w.value for w in at.warning)
    assert untranslated(at) == []
    per_type = [m.value for m in at.metric if m.label == catalogue("zh")["corpus.m_per_type"]][0]
    assert float(per_type) < 1.5
    at.button(key="corpus_fix_segmenter").click().run()
    assert not at.exception
    assert at.session_state[state.widget_key("segmenter")] == "words" and at.query_params["segmenter"] == "words"
    assert not any("接近 1" in w.value for w in at.warning)
    m = at.session_state[state.MODEL]
    assert "国王" in m.vocab.key_to_index and engine.tokens_per_type(m.sentences) > 5


@pytest.mark.parametrize("segmenter,word", [("words", "国王"), ("characters", "国"), ("spaces", None)])
def test_the_segmenter_reaches_the_model_and_the_url(clear_streamlit_caches, segmenter, word):
    at = open_app("en", "pages/02_corpus.py", sb_corpus="chinese")
    at.radio(key=state.widget_key("segmenter")).set_value(segmenter).run()
    assert not at.exception and at.query_params["segmenter"] == segmenter
    m = at.session_state[state.MODEL]
    assert list(m.sentences) == list(state.load_corpus("chinese", segmenter))
    if word:
        assert word in m.vocab.key_to_index
    else:
        assert max(len(w) for w in m.vocab.index_to_key) > 5          # whole sentences as "words"
    at.switch_page("pages/03_windows.py")                            # kept on other pages
    at.run()
    assert at.session_state[state.MODEL] is m


def test_an_engine_error_on_a_chinese_page_is_in_chinese(clear_streamlit_caches):
    at = open_app("zh", "pages/02_corpus.py", sb_corpus="tiny")
    at.number_input(key="sb_min_count").set_value(1000).run()
    errors = " ".join(e.value for e in at.error)
    assert "无法建立模型" in errors and "min_count=1000" in errors and "所有词的出现次数都低于" in errors
    assert untranslated(at) == []
    at.number_input(key="sb_min_count").set_value(1).run()
    at.file_uploader(key="corpus_upload").upload("latin1.txt", "le café est très bon\n".encode("latin-1"),
                                                 "text/plain")
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "latin1.txt 既不是有效的 UTF-8 文本" in errors and "之前的语料和模型保留不变" in errors
    assert untranslated(at) == []
    at.switch_page("pages/10_import_export.py")
    at.run()
    at.file_uploader(key="ie_upload").upload("v.txt", b"5 2\nking 0.1 0.2\n", "text/plain")
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "v.txt 不完整" in errors and "没有载入任何内容" in errors


def test_a_link_note_in_chinese_mode_is_in_chinese(clear_streamlit_caches):
    at = run_app(query={"lang": "zh", "vector_size": "1000", "window": "abc", "segmenter": "jieba"}, timeout=60)
    notes = " ".join(w.value for w in at.sidebar.warning)
    assert "来自链接：vector_size=1000 高于侧边栏的最大值 300；改用 300" in notes
    assert "window='abc' 不是数字" in notes and "segmenter='jieba'" in notes
    assert not ENGLISH_RUN.search(prose(notes))


# ---------------------------------------------------------------- the switch
def test_language_comes_from_the_url_then_the_browser_then_english(clear_streamlit_caches):
    from streamlit.testing.v1 import AppTest

    at = run_app(query={LANG_KEY: "zh"}, locale="en-GB", timeout=60)
    assert at.session_state[LANG_KEY] == "zh" and at.query_params[LANG_KEY] == "zh"
    assert at.sidebar.selectbox(key="sb_corpus").label == catalogue("zh")["sidebar.corpus"]
    for locale, lang in [("zh-TW", "zh"), ("en-US", "en"), (None, "en"), ("fr-FR", "en")]:
        at = AppTest.from_file(APP, default_timeout=60)
        at.context["locale"] = locale
        at.run()
        assert at.session_state[LANG_KEY] == lang, locale
        assert at.query_params[LANG_KEY] == lang


def test_the_switch_changes_every_text_and_the_url_and_keeps_the_model(clear_streamlit_caches):
    at = open_app("en", "pages/03_windows.py", sb_corpus="tiny")
    model = at.session_state[state.MODEL]
    assert at.title[0].value == catalogue("en")["windows.title"]
    switch = at.segmented_control(key=i18n.SWITCH_KEY)
    assert switch.value == "en" and switch.options == ["English", "中文"]
    switch.set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == catalogue("zh")["windows.title"] and at.query_params[LANG_KEY] == "zh"
    assert at.session_state[state.MODEL] is model           # a language is not a setting
    assert untranslated(at) == []
    at.segmented_control(key=i18n.SWITCH_KEY).set_value("en").run()
    assert at.title[0].value == catalogue("en")["windows.title"] and at.query_params[LANG_KEY] == "en"


def test_every_bold_span_in_the_texts_opens_and_closes_in_markdown():
    """CommonMark only closes `**` that is right-flanking: in "**“国王”**的编码" the closing `**` sits between
    a quotation mark and a letter, so the page showed the asterisks. Every `**` that opens a span must be
    left-flanking and every one that closes it right-flanking (placeholders count as letters)."""
    import unicodedata

    def punct(c: str) -> bool:
        return unicodedata.category(c)[0] in "PS" and c not in "{}"

    bad = []
    for lang in ("en", "zh"):
        for key, text in catalogue(lang).items():
            runs = [m.start() for m in re.finditer(r"(?<!\*)\*\*(?!\*)", text)]
            for k, i in enumerate(runs):
                before = text[i - 1] if i else " "
                after = text[i + 2] if i + 2 < len(text) else " "
                left = not after.isspace() and (not punct(after) or before.isspace() or punct(before))
                right = not before.isspace() and (not punct(before) or after.isspace() or punct(after))
                if not (left if k % 2 == 0 else right):
                    bad.append((lang, key, text[max(0, i - 10):i + 12]))
    assert not bad, bad


def test_word_pickers_and_value_lists_say_their_placeholder_in_the_sessions_language(open_page):
    """Issue 29.5: Streamlit's own 'Choose or add options' was left in English on Chinese pages."""
    at = open_page("pages/01_home.py", lang="zh", sb_corpus="chinese")
    assert [m.placeholder for m in at.multiselect] == [i18n.t("common.choose_words", "zh")]
    at = open_page("pages/12_hyperparameters.py", lang="zh", sb_corpus="tiny")
    kept_choice(at.selectbox, "sw_setting").set_value("architecture").run()
    assert i18n.t("sweep.choose_values", "zh") in [m.placeholder for m in at.multiselect]
