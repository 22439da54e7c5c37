"""The Interview prep page's session: its state keys, its texts, the answers given and the link that restores them.

What it does: keeps, per session, the answers (walkthrough and mock interview), scores and records a
prediction against a result, writes the answers into the URL (?iq=...) so that a link restores them, reads
such a link once per session, and draws the score with the share link.
What it does not do: run the experiments (ui/views/interview/card.py asks lessons.interview for them).
"""

from __future__ import annotations

from typing import Dict, Optional
from urllib.parse import urlencode

import streamlit as st

from lessons.interview import questions
from ui.i18n import catalogue, current_language, t

# session-state keys of this page (widget keys start with "iv_" too)
ANSWERS = "iv_answers"          # {qid: answer} of the walkthrough (a mock interview keeps its own, in MOCK)
RESULTS = "iv_results"          # {result key: result dict} experiments already run in this session
FACTS = "iv_facts"              # {facts key: facts dict} the question texts' values per corpus
RESTORED = "iv_restored"        # the link's ?iq= was read (once per session): (count, readable)
MOCK = "iv_mock"                # the running or finished mock interview (dict), or None
MOCK_SEED = "iv_mock_seed"      # this session's seed for drawing mock interviews
PICK = "iv_pick"                # the walkthrough's question index (a selectbox)
MODE = "iv_mode"


def tx(key: str, **values) -> str:
    return t(f"interview.{key}", **values)


def qtext(qid: str, key: str, **values) -> str:
    return t(f"interview.{qid}.{key}", **values)


def has_text(qid: str, key: str) -> bool:
    """Whether question qid has the optional text `key` (setup, rule) in the catalogue."""
    return f"interview.{qid}.{key}" in catalogue(current_language())


def shown_facts(facts: dict) -> dict:
    """The question's facts as its texts show them: names the engine gives (CBOW's rule) in the session's language."""
    if "cbow_rule" in facts:
        return {**facts, "cbow_rule": t(f"compare.claims.rule_{facts['cbow_rule']}")}
    return facts


def session_value(key, default):
    """st.session_state[key], set to `default` first when the session has none."""
    if key not in st.session_state:
        st.session_state[key] = default
    return st.session_state[key]


def all_answers() -> Dict[str, dict]:
    return session_value(ANSWERS, {})


def record(scope: str, question: questions.Question, prediction: dict, result: dict, key: str) -> None:
    verdict = questions.score(question, prediction, result)
    answer = {"p": prediction, "ok": verdict["right"], "fields": verdict["fields"], "key": key}
    if scope == "mock":                   # a mock interview keeps its own answers: the walkthrough's stay as they were
        if st.session_state.get(MOCK):
            st.session_state[MOCK]["answers"][question.id] = answer
    else:
        all_answers()[question.id] = answer


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


def forget(qid: str, scope: str) -> None:
    """Forget the answer to question qid (in the mock interview under way, or in the walkthrough)."""
    if scope == "mock" and st.session_state.get(MOCK):
        st.session_state[MOCK]["answers"].pop(qid, None)
    else:
        all_answers().pop(qid, None)
