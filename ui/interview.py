"""The Interview prep page's glue: predictions in, experiments run (cached per session), reveals drawn.

What it does: for each question of lessons.interview.questions.QUESTIONS, a card with the question as an
interviewer asks it, the candidate's prediction (entered in a form before anything is shown), and,
after "Run the experiment", the reveal: prediction against the measured result, the evidence, the
explanation, a link to the page that teaches it and a short interview answer. Keeps, per session, the
answers (walkthrough and mock interview), the results (per question and corpus), the mock interview's
clock, and writes the answers into the URL (?iq=...) so a link restores them.
What it does not do: compute anything itself (the engine's lessons_interview modules do), or change
another page's state.
"""

from __future__ import annotations

import secrets
import time
from typing import Dict, Optional
from urllib.parse import urlencode

import streamlit as st

from engine import TrainingDiverged, sample_corpora, sample_groups
from lessons.interview import questions
from lessons.interview import setup as iv_setup
from ui import state
from ui.choices import choice
from ui.i18n import engine_message, t
from ui.interview_reveal import evidence, found_values

# session-state keys of this page (widget keys start with "iv_" too)
ANSWERS = "iv_answers"          # {qid: answer} of the walkthrough (and every answer given in a mock interview)
RESULTS = "iv_results"          # {result key: result dict} experiments already run in this session
FACTS = "iv_facts"              # {facts key: facts dict} the question texts' values per corpus
RESTORED = "iv_restored"        # the link's ?iq= was read (once per session): (count, readable)
MOCK = "iv_mock"                # the running or finished mock interview (dict), or None
MOCK_SEED = "iv_mock_seed"      # this session's seed for drawing mock interviews
PICK = "iv_pick"                # the walkthrough's question index (a selectbox)
MODE = "iv_mode"
GROUPED_SAMPLE = "fruits_animals_verbs"   # the corpus a question needing groups falls back to
PAGES = {"pages/01_home.py": "home", "pages/02_corpus.py": "corpus", "pages/03_windows.py": "windows",
         "pages/04_step.py": "step", "pages/05_hierarchical_softmax.py": "hs",
         "pages/06_negative_sampling.py": "ns", "pages/07_embedding_space.py": "space",
         "pages/08_explore.py": "explore", "pages/09_compare.py": "compare"}


def tx(key: str, **values) -> str:
    return t(f"interview.{key}", **values)


def qtext(qid: str, key: str, **values) -> str:
    return t(f"interview.{qid}.{key}", **values)


def _ss(key, default):
    if key not in st.session_state:
        st.session_state[key] = default
    return st.session_state[key]


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
    upload = st.session_state.get(state.UPLOAD_NAME) if name == state.UPLOAD_CHOICE else None
    key = f"{name}|{upload}"
    return iv_setup.Setup(sentences, name, groups), key, note           # the shared tuple (or the upload's list), not copied


def sentence_for(question: questions.Question):
    return t("interview.num_skips.sentence").split() if question.id == "num_skips" else []


def result_key(question: questions.Question, corpus_key: str) -> str:
    where = corpus_key if question.uses_corpus or question.needs_groups else "-"
    if question.id == "num_skips":
        where = " ".join(sentence_for(question))
    return f"{question.id}|{where}"


def facts_for(question: questions.Question, setup, corpus_key: str) -> dict:
    cache = _ss(FACTS, {})
    key = result_key(question, corpus_key)
    if key not in cache:
        cache[key] = questions.facts(question, setup, sentence_for(question))
    return cache[key]


def run_experiment(question: questions.Question, setup, key: str) -> dict:
    """The question's result for this corpus: from the session's cache, else run now (with a progress bar)."""
    results = _ss(RESULTS, {})
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


# ------------------------------------------------------------------------------------------ answers
def all_answers() -> Dict[str, dict]:
    return _ss(ANSWERS, {})


def record(scope: str, question: questions.Question, prediction: dict, result: dict, key: str) -> None:
    verdict = questions.score(question, prediction, result)
    answer = {"p": prediction, "ok": verdict["right"], "fields": verdict["fields"], "key": key}
    all_answers()[question.id] = answer
    if scope == "mock" and st.session_state.get(MOCK):
        st.session_state[MOCK]["answers"][question.id] = answer


def restore_from_link() -> None:
    """Once per session: read ?iq=<code> from the link the session was opened with and restore its answers."""
    if RESTORED in st.session_state:
        return
    code = initial_query_value("iq")
    answers = questions.decode_progress(code)
    for qid, a in answers.items():
        all_answers().setdefault(qid, {**a, "fields": None, "key": None, "restored": True})
    st.session_state[RESTORED] = (len(answers), bool(answers) or not code)


def initial_query_value(name: str) -> Optional[str]:
    """A parameter of the URL the page was opened with. The shared sidebar rewrites st.query_params before a
    page runs (dropping what it does not know), so this reads the run's initial parameters, then the current."""
    value = st.query_params.get(name)
    if value:
        return value
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
        ctx = get_script_run_ctx()
        with ctx.session_state.query_params() as qp:
            value = qp.get_initial_value(name)
    except Exception:          # an older/newer Streamlit without this: the link then only restores via st.query_params
        return None
    return value[-1] if isinstance(value, list) and value else (value or None)


def share_code() -> str:
    return questions.encode_progress({qid: a for qid, a in all_answers().items()})


def progress_header(container) -> None:
    """Score and progress, the share link (also written into the page's URL), the restore notice."""
    answers = all_answers()
    right = sum(bool(a["ok"]) for a in answers.values())
    total = len(questions.QUESTIONS)
    bar, share = container.columns([3, 2], vertical_alignment="center")
    bar.progress(len(answers) / total, text=tx("progress", answered=len(answers), total=total, right=right))
    with share.popover(tx("share"), icon=":material/share:", use_container_width=True):
        if answers:
            st.query_params["iq"] = share_code()
            params = {k: st.query_params.get(k) for k in st.query_params}
            st.code((st.context.url or "") + "?" + urlencode(params), language=None, wrap_lines=True)
            st.caption(tx("share_help"))
        else:
            st.caption(tx("share_empty"))
    n, readable = st.session_state.get(RESTORED, (0, True))
    if not readable:
        st.warning(tx("restore_bad"), icon=":material/link_off:")
    elif n:
        st.caption(tx("restored", n=n))


# ------------------------------------------------------------------------------------------ one question
def _field_label(question: questions.Question, field: questions.Field, facts: dict) -> str:
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
            label = _field_label(question, field, facts)
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
        names = ", ".join(_field_label(question, f, facts) for f in question.fields if f.name in missing)
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


def _show(field: questions.Field, value, question: questions.Question, facts: dict) -> str:
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
        rows.append({tx("col_item"): _field_label(question, field, facts),
                     tx("col_yours"): _show(field, answer["p"].get(field.name), question, facts),
                     tx("col_measured"): _show(field, result["truth"][field.name], question, facts),
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
    st.markdown(f"**{tx('found')}.** " + qtext(qid, "found", **found_values(qid, result, facts)))
    if qid in ("small_large", "rare"):
        st.caption(qtext(qid, "rule") + " " + tx("compare_note"))
    evidence(qid, result, facts)
    st.markdown(f"**{tx('why')}**")
    st.markdown(qtext(qid, "explain"))
    st.info(f"**{tx('say')}**\n\n{qtext(qid, 'say')}", icon=":material/record_voice_over:")
    page = question.page
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.page_link(page, label=tx("learn", page=t(f"interview.page.{PAGES[page]}")), icon=":material/school:")
    with c2:
        _answer_again(qid, scope)


def _forget(qid: str, scope: str) -> None:
    if scope == "mock" and st.session_state.get(MOCK):
        st.session_state[MOCK]["answers"].pop(qid, None)
    else:
        all_answers().pop(qid, None)


def _answer_again(qid: str, scope: str) -> None:
    st.button(tx("again"), key=f"iv_again_{scope}_{qid}", icon=":material/replay:", on_click=_forget,
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
        st.markdown(qtext(qid, "ask", **facts))
        if qid in ("small_large", "rare"):
            st.caption(qtext(qid, "setup", **facts))
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


# ------------------------------------------------------------------------------------------ walkthrough
def _move(delta: int) -> None:
    """Previous / Next: the kept question index (an int; the chooser's labels never reach it)."""
    current = st.session_state.get(PICK, 0)
    st.session_state[PICK] = ((current if isinstance(current, int) else 0) + delta) % len(questions.QUESTIONS)


def walkthrough() -> None:
    answers = all_answers()

    def label(i):
        qid = questions.QUESTION_IDS[i]
        a = answers.get(qid)
        mark = "" if a is None else (" ✓" if a["ok"] else " ✗")
        return f"{i + 1}. {qtext(qid, 'title')}{mark}"

    c1, c2, c3 = st.columns([6, 1.5, 1.3], vertical_alignment="bottom")
    labels = [label(i) for i in range(len(questions.QUESTIONS))]      # computed here, in the session's language
    pick = choice(c1.selectbox, tx("pick"), range(len(questions.QUESTIONS)), labels.__getitem__, PICK, default=0,
                  label_visibility="collapsed")
    c2.button(tx("prev"), on_click=_move, args=(-1,), key="iv_prev", icon=":material/arrow_back:",
              use_container_width=True)
    c3.button(tx("next"), on_click=_move, args=(1,), key="iv_next", icon=":material/arrow_forward:",
              use_container_width=True)
    question_card(questions.QUESTION_IDS[pick], "walk", answers)


# ------------------------------------------------------------------------------------------ mock interview
def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def start_mock() -> None:
    seed = _ss(MOCK_SEED, secrets.randbelow(2**31))
    st.session_state[MOCK_SEED] = seed + 1
    st.session_state[MOCK] = {"seed": seed, "questions": questions.mock_questions(seed), "start": time.time(),
                              "limit": questions.MOCK_SECONDS, "index": 0, "answers": {}, "done": False,
                              "timeout": False, "end": None}


def _finish_mock(timeout: bool = False) -> None:
    mock = st.session_state[MOCK]
    if not mock["done"]:
        mock.update(done=True, timeout=timeout, end=time.time())


def _next_mock() -> None:
    mock = st.session_state[MOCK]
    if mock["index"] + 1 >= len(mock["questions"]):
        _finish_mock()
    else:
        mock["index"] += 1


def _clock_body() -> None:
    mock = st.session_state.get(MOCK)
    if not mock or mock["done"]:
        return
    left = mock["limit"] - (time.time() - mock["start"])
    if left <= 0:
        _finish_mock(timeout=True)
        st.rerun(scope="app")
    st.markdown(f"### :material/timer: {tx('mock.left', time=_clock(left))}")


def mock_interview() -> None:
    mock = st.session_state.get(MOCK)
    if mock is None:
        st.markdown(tx("mock.intro", minutes=questions.MOCK_SECONDS // 60))
        st.button(tx("mock.start"), on_click=start_mock, type="primary", key="iv_mock_start",
                  icon=":material/timer:")
        return
    if mock["done"]:
        mock_summary(mock)
        return
    c1, c2 = st.columns([3, 2], vertical_alignment="center")
    with c1:
        st.fragment(run_every=1)(_clock_body)()
    qid = mock["questions"][mock["index"]]
    c2.caption(tx("mock.of", i=mock["index"] + 1, n=len(mock["questions"])))
    question_card(qid, "mock", mock["answers"])
    if qid in mock["answers"]:
        last = mock["index"] + 1 >= len(mock["questions"])
        st.button(tx("mock.finish" if last else "mock.next"), on_click=_next_mock, type="primary",
                  key=f"iv_mock_next_{mock['index']}", icon=":material/arrow_forward:")


def mock_summary(mock: dict) -> None:
    import pandas as pd

    st.subheader(tx("mock.summary"))
    if mock["timeout"]:
        st.warning(tx("mock.timeout"), icon=":material/timer_off:")
    right = sum(bool(mock["answers"].get(q, {}).get("ok")) for q in mock["questions"])
    used = min(mock["limit"], (mock["end"] or time.time()) - mock["start"])
    st.markdown(tx("mock.score", right=right, n=len(mock["questions"]), time=_clock(used)))
    rows = []
    for qid in mock["questions"]:
        a = mock["answers"].get(qid)
        verdict = tx("not_answered") if a is None else (tx("mark_right") if a["ok"] else tx("mark_wrong"))
        rows.append({tx("mock.col_question"): f"{questions.number(qid)}. {qtext(qid, 'title')}",
                     tx("mock.col_result"): verdict})
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True, key="iv_mock_table")
    st.button(tx("mock.again"), on_click=start_mock, type="primary", key="iv_mock_again", icon=":material/timer:")


def page() -> None:
    """The whole page: header, mode switch, then the walkthrough or the mock interview."""
    state.ensure_app_entry()
    restore_from_link()
    st.title(tx("title"))
    st.caption(tx("intro"))
    left, right = st.columns([2, 3], vertical_alignment="center")
    modes = {"walk": tx("mode_walk"), "mock": tx("mode_mock")}
    mode = choice(left.segmented_control, tx("mode_label"), list(modes), modes.get, MODE, default="walk",
                  label_visibility="collapsed")
    progress_header(right)
    if mode == "mock":
        mock_interview()
    else:
        walkthrough()
