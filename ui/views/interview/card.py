"""One interview question as a card: the interviewer's question, the candidate's prediction, then the reveal.

What it does: the corpus a question runs on (the sidebar's, or a grouped sample when it needs groups), the
question's texts' values, the prediction form (entered before anything is shown) and, after "Run the
experiment", the reveal: prediction against the measured result, the evidence, the explanation, a link to
the page that teaches it and a short interview answer. Results are cached per session, question and corpus.
What it does not do: compute anything itself (lessons.interview does).
"""

from __future__ import annotations

from typing import Dict, Optional

import streamlit as st

from engine import TrainingDiverged, sample_corpora, sample_groups
from lessons.interview import questions
from lessons.interview import setup as iv_setup
from ui import state, uploads
from ui.choices import choice
from ui.i18n import engine_message, t
from ui.views.interview.answers import FACTS, RESULTS, forget, has_text, qtext, record, session_value, shown_facts, tx
from ui.views.interview.reveal import evidence, found_values

GROUPED_SAMPLE = "fruits_animals_verbs"   # the corpus a question needing groups falls back to
PAGES = {"pages/01_home.py": "home", "pages/02_corpus.py": "corpus", "pages/03_windows.py": "windows",
         "pages/04_step.py": "step", "pages/05_hierarchical_softmax.py": "hs",
         "pages/06_negative_sampling.py": "ns", "pages/07_embedding_space.py": "space",
         "pages/08_explore.py": "explore", "pages/09_compare.py": "compare"}



# ------------------------------------------------------------------------------------------ the corpus
def corpus_setup(question: Optional[questions.Question] = None):
    """(Setup, corpus key, fallback note or None) for a question: the sidebar's corpus, or a grouped sample."""
    name = state.current_settings()["corpus"]
    sentences = state.current_sentences()
    samples = sample_corpora()
    groups = sample_groups(name) if name in samples else None
    note = None
    if question is not None and question.needs_groups and not groups:
        note = tx("groups_fallback", name=GROUPED_SAMPLE)
        name, sentences, groups = GROUPED_SAMPLE, state.load_corpus(GROUPED_SAMPLE), sample_groups(GROUPED_SAMPLE)
    upload = uploads.upload_of(name)
    key = f"{name}|{upload.digest if upload else None}"
    return iv_setup.Setup(sentences, name, groups), key, note           # the shared tuple (or the upload's list), not copied


def sentence_for(question: questions.Question):
    return t("interview.num_skips.sentence").split() if question.id == "num_skips" else []


def result_key(question: questions.Question, corpus_key: str) -> str:
    where = corpus_key if question.uses_corpus or question.needs_groups else "-"
    if question.id == "num_skips":
        where = " ".join(sentence_for(question))
    return f"{question.id}|{where}"


def facts_for(question: questions.Question, setup, corpus_key: str) -> dict:
    cache = session_value(FACTS, {})
    key = result_key(question, corpus_key)
    if key not in cache:
        cache[key] = questions.facts(question, setup, sentence_for(question))
    return cache[key]


def run_experiment(question: questions.Question, setup, key: str) -> dict:
    """The question's result for this corpus: from the session's cache, else run now (with a progress bar)."""
    results = session_value(RESULTS, {})
    if key in results:
        return results[key]
    if question.heavy:
        from ui.compiling import ensure_fast_trainer
        ensure_fast_trainer(iv_setup.DIM)
    bar = st.progress(0.0, text=tx("running", label="…"))

    def progress(fraction, label):
        bar.progress(fraction, text=tx("running", label=progress_label(label)))

    try:
        result = questions.run(question, setup, progress, sentence_for(question))
    finally:
        bar.empty()
    results[key] = result
    return result


def progress_label(label: str) -> str:
    """An experiment's progress label ("small, skipgram, seed 2", "alpha = 25") in the session's language."""
    out = []
    for part in label.split(", "):
        if part.startswith("seed "):
            out.append(tx("val.seed_n", n=part[5:]))
        elif part.startswith("alpha = "):
            out.append(f"α = {part[8:]}")
        else:
            text = t(f"interview.run_label.{part}")
            out.append(part if text == f"interview.run_label.{part}" else text)
    return ", ".join(out)


# ------------------------------------------------------------------------------------------ one question
def field_label(question: questions.Question, field: questions.Field, facts: dict) -> str:
    return qtext(question.id, f"f_{field.name}", **facts)


def tolerance_text(field: questions.Field) -> str:
    if field.kind == "choice" or (field.tol_abs == 0 and field.tol_rel == 0):
        return tx("tol_exact")
    if field.tol_rel == 0:
        return tx("tol_within", tol=f"{field.tol_abs:g}")
    return tx("tol_rel", rel=f"{100 * field.tol_rel:g}", tol=f"{field.tol_abs:g}")


def prediction_form(question: questions.Question, facts: dict, scope: str, setup, key: str) -> None:
    """The prediction widgets and the Run button; on a complete prediction, run, score, record and rerun."""
    qid = question.id
    values = {}
    with st.form(f"iv_form_{scope}_{qid}", border=True):
        st.markdown(f"**{tx('predict')}**")
        short = [f for f in question.fields if f.kind == "number" or
                 max(len(qtext(qid, f"c_{c}", **facts)) for c in f.choices) < 28]
        cols = st.columns(len(short)) if len(short) == len(question.fields) and len(short) > 1 else None
        for i, field in enumerate(question.fields):
            box = cols[i] if cols else st.container()
            label = field_label(question, field, facts)
            wkey = f"iv_{scope}_{qid}_{field.name}"
            if field.kind == "choice":
                names = {c: qtext(qid, f"c_{c}", **facts) for c in field.choices}
                values[field.name] = choice(box.radio, label, field.choices, names.get, wkey, in_form=True,
                                            horizontal=max(len(s) for s in names.values()) < 28)
            else:
                step = int(field.step) if field.integer else float(field.step)
                low = int(field.low) if field.integer else float(field.low)
                high = int(field.high) if field.integer else float(field.high)
                values[field.name] = box.number_input(
                    label, low, high, value=None, step=step, key=wkey, format="%d" if field.integer else "%.2f",
                    help=t("interview.col_tolerance") + ": " + tolerance_text(field))
        if question.heavy:
            st.caption(tx("heavy_note"))
        flag = f"iv_submitted_{scope}_{qid}"
        clicked = st.form_submit_button(tx("run"), type="primary", icon=":material/science:", on_click=_set_flag,
                                        args=(flag,))
    submitted = st.session_state.pop(flag, False) or clicked
    if not submitted:
        return
    missing = questions.complete(question, values)
    if missing:
        names = ", ".join(field_label(question, f, facts) for f in question.fields if f.name in missing)
        st.warning(tx("missing", fields=names), icon=":material/edit:")
        return
    try:
        result = run_experiment(question, setup, key)
    except (ValueError, KeyError, TrainingDiverged) as e:
        st.error(tx("failed", error=engine_message(str(e))))
        return
    record(scope, question, values, result, key)
    st.rerun()


def _set_flag(flag: str) -> None:
    """A button's callback: remember the click in session state. (A click seen only through the button's
    return value is lost when the run is restarted before the button is drawn, e.g. by state.ensure_app_entry.)"""
    st.session_state[flag] = True


def show_value(field: questions.Field, value, question: questions.Question, facts: dict) -> str:
    if value is None:
        return "–"
    if field.kind == "choice":
        return qtext(question.id, f"c_{value}", **facts)
    return f"{value:.0f}" if field.integer else f"{value:.4g}"


def comparison_table(question: questions.Question, answer: dict, result: dict, facts: dict) -> None:
    import pandas as pd

    verdict = questions.score(question, answer["p"], result)
    rows = []
    for field in question.fields:
        rows.append({tx("col_item"): field_label(question, field, facts),
                     tx("col_yours"): show_value(field, answer["p"].get(field.name), question, facts),
                     tx("col_measured"): show_value(field, result["truth"][field.name], question, facts),
                     tx("col_tolerance"): tolerance_text(field),
                     tx("col_ok"): tx("mark_right") if verdict["fields"][field.name] else tx("mark_wrong")})
    st.table(pd.DataFrame(rows).set_index(tx("col_item")))        # a static table: long choices wrap


def reveal(question: questions.Question, answer: dict, facts: dict, setup, scope: str, key: str) -> None:
    """Prediction against the measured result, the evidence, why, the page link and the interview answer."""
    qid = question.id
    result = st.session_state.get(RESULTS, {}).get(answer.get("key") or key)
    if result is None:                                   # restored from a link: run it on request
        st.info(tx("restored_answer", verdict=tx("restored_right" if answer["ok"] else "restored_wrong")),
                icon=":material/history:")
        flag = f"iv_rerun_flag_{scope}_{qid}"
        st.button(tx("run"), key=f"iv_rerun_{scope}_{qid}", type="primary", icon=":material/science:",
                  on_click=_set_flag, args=(flag,))
        if st.session_state.pop(flag, False):
            try:
                run_experiment(question, setup, key)
            except (ValueError, KeyError, TrainingDiverged) as e:
                st.error(tx("failed", error=engine_message(str(e))))
                return
            answer["key"] = key
            st.rerun()
        _answer_again(qid, scope)
        return
    ok = questions.score(question, answer["p"], result)["right"]
    if answer.get("key") and answer["key"] != key:
        st.caption(tx("answered_on", corpus=answer["key"].split("|")[1]))
    (st.success if ok else st.error)(tx("verdict_right" if ok else "verdict_wrong"),
                                     icon=":material/check_circle:" if ok else ":material/cancel:")
    comparison_table(question, answer, result, facts)
    st.markdown(f"**{tx('found')}** " + qtext(qid, "found", **found_values(qid, result, shown_facts(facts))))
    if has_text(qid, "rule"):
        st.caption(qtext(qid, "rule") + (" " + tx("compare_note") if qid in ("small_large", "rare") else ""))
    evidence(qid, result, facts)
    st.markdown(f"**{tx('why')}**")
    st.markdown(qtext(qid, "explain"))
    st.info(f"**{tx('say')}**\n\n{qtext(qid, 'say')}", icon=":material/record_voice_over:")
    page = question.page
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.page_link(page, label=tx("learn", page=t(f"interview.page.{PAGES[page]}")), icon=":material/school:")
    if scope != "mock":                                  # a mock interview is one try against the clock
        with c2:
            _answer_again(qid, scope)

def _answer_again(qid: str, scope: str) -> None:
    st.button(tx("again"), key=f"iv_again_{scope}_{qid}", icon=":material/replay:", on_click=forget,
              args=(qid, scope))


def question_card(qid: str, scope: str, answers: Dict[str, dict]) -> None:
    """One question: what the interviewer asks, then the prediction form or (once answered) the reveal."""
    question = questions.QUESTION_BY_ID[qid]
    setup, corpus_key, note = corpus_setup(question)
    key = result_key(question, corpus_key)
    try:
        facts = facts_for(question, setup, corpus_key)
    except (ValueError, KeyError) as e:
        st.error(tx("failed", error=engine_message(str(e))))
        return
    if scope != "walk":                                  # the walkthrough's picker already shows the title
        st.subheader(f"{questions.number(qid)}. {qtext(qid, 'title')}")
    with st.chat_message("interviewer", avatar=":material/person:"):
        st.caption(tx("interviewer"))
        st.markdown(qtext(qid, "ask", **shown_facts(facts)))
        if has_text(qid, "setup"):
            st.caption(qtext(qid, "setup", **shown_facts(facts)))
    if note:
        st.caption(note)
    elif question.uses_corpus:
        st.caption(tx("corpus_note", corpus=setup.name, V=facts.get("V", "?"), T=facts.get("T", "?")))
    else:
        st.caption(tx("corpus_fixed"))
    answer = answers.get(qid)
    if answer is None:
        prediction_form(question, facts, scope, setup, key)
    else:
        reveal(question, answer, facts, setup, scope, key)
