"""Settings from outside the widgets (a shared link, a settings JSON, session state) never crash the app.

Every sidebar setting's bounds come from engine.config.SETTINGS (ui_low / ui_high, else low / high).
A link or a settings file with a value out of range is clamped into the sidebar's range, a value of the
wrong type or garbage is refused, and each one is named in a visible note; the widgets always hold a
value they accept. Checked as plain functions (ui.settings) and in AppTest through app.py.
"""

import json
import math
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.config import SETTINGS, Config
from tests.conftest import run_app
from ui import settings as ui_settings
from ui import state
from ui.settings import SIDEBAR, SIDEBAR_BY_NAME

ROOT = Path(__file__).resolve().parents[2]
NUMERIC = [row.name for row in SIDEBAR if row.setting.kind not in (str, bool)]
TEXT = [row.name for row in SIDEBAR if row.setting.kind is str]
GARBAGE = ["abc", "1e999", "nan", "", "%00", "\x00", "-inf", "2.5.1", "[1]"]


def too_low(name: str) -> str:
    return str(SIDEBAR_BY_NAME[name].low - 1)


def too_high(name: str) -> str:
    """Above the sidebar's maximum and above what the engine allows."""
    return str(SIDEBAR_BY_NAME[name].high * 10 + 1)


def accepted_by_widget(name: str, value) -> bool:
    row = SIDEBAR_BY_NAME[name]
    if row.setting.kind is str or row.options:
        return value in row.choices
    if row.setting.kind is bool:
        return type(value) is bool
    return type(value) is row.setting.kind and row.low <= value <= row.high


# ---------------------------------------------------------------- the table
def test_sidebar_bounds_come_from_the_engine_table():
    for row in SIDEBAR:
        s = SETTINGS[row.name]
        if s.kind is str:
            assert row.choices == s.choices
            continue
        if s.kind is bool:
            assert row.widget == "toggle" and isinstance(row.default, bool)
            continue
        assert row.low == (s.ui_low if s.ui_low is not None else s.low)
        assert row.high == (s.ui_high if s.ui_high is not None else s.high)
        s.check(row.low), s.check(row.high)               # the sidebar never offers what the engine refuses
        assert accepted_by_widget(row.name, row.default)


def test_page_widgets_that_start_at_a_sidebar_setting_offer_its_range():
    assert ui_settings.ui_range("window") == (1, SETTINGS["window"].ui_high)
    assert ui_settings.ui_range("ns_exponent") == (SETTINGS["ns_exponent"].ui_low, SETTINGS["ns_exponent"].ui_high)
    for view, name in (("ui/views/windows.py", "window"), ("ui/views/negative_sampling.py", "ns_exponent")):
        assert f'*ui_range("{name}")' in (ROOT / view).read_text()


def test_app_defaults_are_a_config_with_the_apps_overrides():
    cfg = Config(**ui_settings.APP_OVERRIDES)
    assert ui_settings.APP_CONFIG == cfg.validate()
    assert all(state.DEFAULTS[name] == getattr(cfg, name) for name in state.SETTING_NAMES)
    assert set(state.SETTING_NAMES) == {row.name for row in SIDEBAR}


def test_display_names_come_from_the_engine_tables():
    from engine.objectives import ARCHITECTURE_TABLE, OBJECTIVE_TABLE

    assert [ui_settings.objective_label(o) for o in OBJECTIVE_TABLE] == [o.label for o in OBJECTIVE_TABLE.values()]
    assert ui_settings.architecture_label("cbow") == ARCHITECTURE_TABLE["cbow"].label
    assert not hasattr(state, "OBJ_LABELS") and not hasattr(state, "ARCH_LABELS")
    from lessons import six_models

    assert not hasattr(six_models, "OBJ_NAMES") and not hasattr(six_models, "ARCH_NAMES")
    assert six_models.OBJECTIVES == tuple(OBJECTIVE_TABLE) and six_models.ARCHITECTURES == tuple(ARCHITECTURE_TABLE)


# ---------------------------------------------------------------- the gate, as a plain function
@pytest.mark.parametrize("name", NUMERIC)
def test_out_of_range_numbers_are_clamped_with_a_note(name):
    row = SIDEBAR_BY_NAME[name]
    for raw, bound, word in ((too_low(name), row.low, "minimum"), (too_high(name), row.high, "maximum")):
        value, note = ui_settings.sidebar_value(name, raw, row.default)
        assert value == bound and accepted_by_widget(name, value)
        assert note.startswith(f"{name}={raw} ") and f"sidebar's {word}" in note


@pytest.mark.parametrize("name", [row.name for row in SIDEBAR])
@pytest.mark.parametrize("raw", GARBAGE + [None, True, [1], {"a": 1}, float("nan"), float("inf"), 10 ** 400])
def test_garbage_is_refused_with_a_note_naming_the_setting(name, raw):
    row = SIDEBAR_BY_NAME[name]
    value, note = ui_settings.sidebar_value(name, raw, row.default)
    if row.setting.kind is bool and raw is True:               # a real value of a true/false setting
        assert (value, note) == (True, None)
        return
    if raw == 10 ** 400 and row.setting.kind not in (str, bool):  # a huge but finite number: clamped
        assert value == row.high and "maximum" in note
        return
    assert value == row.default and accepted_by_widget(name, value)
    assert note.startswith(f"{name}=") and "keeping" in note


@pytest.mark.parametrize("name,raw,expected", [
    ("vector_size", "50", 50), ("vector_size", " 1e2 ", 100), ("vector_size", 30.0, 30), ("window", "3", 3),
    ("alpha", "0.05", 0.05), ("alpha", 1, 1.0), ("sample", "1e-3", 1e-3), ("ns_exponent", "0.5", 0.5),
    ("architecture", "cbow", "cbow"), ("objective", "softmax", "softmax"), ("seed", "2147483647", 2**31 - 1),
])
def test_good_values_pass_unchanged_without_a_note(name, raw, expected):
    value, note = ui_settings.sidebar_value(name, raw, SIDEBAR_BY_NAME[name].default)
    assert value == expected and type(value) is type(expected) and note is None


def test_the_issue_examples_and_values_between_the_sidebar_and_the_engine():
    assert ui_settings.sidebar_value("vector_size", "1000", 20) == (
        300, "vector_size=1000 is above the sidebar's maximum 300; using 300")
    assert ui_settings.sidebar_value("window", "0", 2)[0] == 1
    assert ui_settings.sidebar_value("negative", "0", 5)[0] == 1           # the engine allows 0, the sidebar not
    assert ui_settings.sidebar_value("alpha", "0", 0.025)[0] == 1e-4       # the engine refuses 0 (alpha > 0)
    assert ui_settings.sidebar_value("window", "2.5", 2) == (2, "window=2.5 is not an integer; keeping 2")
    value, note = ui_settings.sidebar_value("sample", "0.005", 0.0)       # between two of the slider's steps
    assert value == 1e-2 and "sample=0.005" in note


def test_notes_name_long_values_briefly():
    value, note = ui_settings.sidebar_value("window", "x" * 100000, 2)
    assert value == 2 and note.startswith("window='xxx") and "100,002 characters" in note and len(note) < 120
    value, note = ui_settings.sidebar_value("seed", 10 ** 400, 1)
    assert value == 2**31 - 1 and "401 characters" in note and len(note) < 120
    assert ui_settings.sidebar_value("architecture", "1000", "cbow")[1].startswith("architecture='1000' ")


def test_sidebar_values_leaves_out_refused_settings_and_unknown_names():
    values, notes = ui_settings.sidebar_values(
        {"vector_size": 100000, "window": -5, "alpha": "fast", "epochs": 3, "colour": "red", "corpus": "nope"},
        current={**state.DEFAULTS, "alpha": 0.5}, corpus_choices=["royalty", "tiny"])
    assert values == {"vector_size": 300, "window": 1, "epochs": 3}
    assert len(notes) == 4
    assert any("alpha='fast'" in n and "keeping 0.5" in n for n in notes)
    assert any("corpus='nope'" in n for n in notes)


# ---------------------------------------------------------------- the same through app.py and a link
def open_with_link(params: dict) -> AppTest:
    return run_app(query=params, timeout=60)


def sidebar_notes(at) -> str:
    return " ".join(w.value for w in at.sidebar.warning)


def widget_value(at, name):
    return at.session_state[state.widget_key(name)]


@pytest.mark.parametrize("kind", ["too low", "too high"] + GARBAGE[:5])
def test_a_link_with_bad_values_for_every_setting_never_crashes(clear_streamlit_caches, kind):
    names = NUMERIC if kind.startswith("too") else [row.name for row in SIDEBAR]
    raw = {name: (too_low(name) if kind == "too low" else too_high(name) if kind == "too high" else kind)
           for name in names}
    at = open_with_link(raw)
    notes = sidebar_notes(at)
    for name in names:
        value = widget_value(at, name)
        assert accepted_by_widget(name, value), (name, value)
        assert f"{name}=" in notes, f"no note names {name}: {notes}"
        assert at.query_params[name] == str(value)              # the address bar now holds the value used


@pytest.mark.parametrize("name,raw,expected", [("vector_size", "1000", 300), ("window", "0", 1),
                                               ("seed", "99999999999999999999", 2**31 - 1),
                                               ("objective", "hierarchical", "negative_sampling")])
def test_one_bad_value_in_a_link_is_named_and_the_rest_kept(clear_streamlit_caches, name, raw, expected):
    at = open_with_link({name: raw, "architecture": "cbow", "epochs": "7"})
    assert widget_value(at, name) == expected
    assert widget_value(at, "architecture") == "cbow" and widget_value(at, "epochs") == 7
    notes = sidebar_notes(at)
    assert f"{name}=" in notes and "architecture" not in notes and "epochs" not in notes
    assert at.session_state[state.MODEL].get_params()[name] == expected
    at.switch_page("pages/04_step.py")                          # the note stays while these settings hold
    at.run()
    assert not at.exception and f"{name}=" in sidebar_notes(at)


def test_a_good_link_sets_the_sidebar_without_a_note(clear_streamlit_caches):
    at = open_with_link({"architecture": "cbow", "objective": "softmax", "vector_size": "30", "sample": "1e-4",
                         "alpha": "0.05", "corpus": "tiny"})
    assert not at.sidebar.warning
    m = at.session_state[state.MODEL]
    assert (m.architecture, m.objective, m.vector_size, m.sample, m.alpha) == ("cbow", "softmax", 30, 1e-4, 0.05)
    assert at.slider(key="sb_vector_size").max == SETTINGS["vector_size"].ui_high


def test_bad_values_written_into_session_state_are_settled_before_the_widgets(open_page):
    at = open_page(None, sb_vector_size=100000, sb_window=-5, sb_alpha=float("nan"), sb_objective="nope")
    assert widget_value(at, "vector_size") == 300 and widget_value(at, "window") == 1
    assert widget_value(at, "alpha") == state.DEFAULTS["alpha"]
    assert widget_value(at, "objective") == state.DEFAULTS["objective"]
    notes = sidebar_notes(at)
    assert all(f"{n}=" in notes for n in ("vector_size", "window", "alpha", "objective"))


# ---------------------------------------------------------------- a settings JSON on the import page
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def upload_settings(at, doc) -> None:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    at.file_uploader(key="ie_settings_upload").set_value(("s.json", data, "application/json")).run()
    assert not at.exception, [e.value for e in at.exception]


def test_settings_json_with_out_of_range_values_is_clamped_with_notes_and_no_page_breaks(open_page):
    at = open_page("pages/10_import_export.py")
    upload_settings(at, {"app_settings": {"vector_size": 100000, "window": -5, "alpha": "fast",
                                          "objective": 7, "epochs": 3, "sample": math.pi}})
    warnings = " ".join(w.value for w in at.warning)
    assert "vector_size=100000 is above the sidebar's maximum 300; using 300" in warnings
    assert "window=-5 is below the sidebar's minimum 1; using 1" in warnings
    assert "alpha='fast' is not a number" in warnings and "objective=7" in warnings
    assert "sample=3.14159" in warnings and "epochs" not in warnings
    at.button(key="ie_apply").click().run()
    assert not at.exception
    assert widget_value(at, "vector_size") == 300 and widget_value(at, "window") == 1
    assert widget_value(at, "epochs") == 3 and widget_value(at, "sample") == 1e-2
    assert widget_value(at, "alpha") == state.DEFAULTS["alpha"]
    assert at.session_state[state.MODEL].vector_size == 300
    for page in PAGES:                                          # no page puts up a traceback
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])


@pytest.mark.parametrize("data,message", [
    (b"[1, 2]", "expected an object"), (b'{"app_settings": 5}', "should be an object"),
    (b'{"colour": "red"}', "No usable setting"), (b'{"vector_size": NaN}', "No usable setting"),
    (b"\xff\xfe", "not a settings JSON"), (b"[" * 100000, "not a settings JSON"),
])
def test_settings_json_that_is_unusable_gives_a_message_and_changes_nothing(open_page, data, message):
    at = open_page("pages/10_import_export.py")
    before = at.session_state[state.MODEL]
    upload_settings(at, data)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert not any(b.key == "ie_apply" for b in at.button)
    assert at.session_state[state.MODEL] is before


def test_a_link_naming_another_sessions_upload_opens_on_the_default_corpus_with_a_note(clear_streamlit_caches):
    """Issue 24.5: an upload never goes into the URL; a link that names one anyway (typed, or from an old version)
    is an unknown corpus in a session without that upload: a note, the default corpus, no crash."""
    at = open_with_link({"corpus": "upload:my notes.txt", "window": 3})
    assert not at.exception
    assert "corpus='upload:my notes.txt'" in sidebar_notes(at)
    assert widget_value(at, "corpus") == state.DEFAULTS["corpus"] and widget_value(at, "window") == 3


# ---------------------------------------------------------------- Markdown from a link (issue 25)
EVIL = "[Log in again](https://evil.example/login) ![p](https://evil.example/p.png)"


def live_markdown(text: str) -> bool:
    """True when text, rendered as Markdown, would hold a link, an image or an autolink (unescaped)."""
    return bool(re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", text) or re.search(r"https?://|www\.", text))


def test_a_link_or_image_in_a_link_value_is_shown_as_text_not_rendered(clear_streamlit_caches):
    at = open_with_link({"corpus": EVIL, "architecture": "[x](https://evil.example)", "window": "www.evil.example"})
    notes = sidebar_notes(at)
    assert "corpus=" in notes and "architecture=" in notes and "window=" in notes
    assert "evil" in notes and not live_markdown(notes), notes
    for lang in ("zh",):
        at = run_app(query={"corpus": EVIL, "lang": lang}, timeout=60)
        assert "evil" in sidebar_notes(at) and not live_markdown(sidebar_notes(at)), sidebar_notes(at)


def test_md_escape_leaves_ordinary_text_and_neutralises_every_link_form():
    from ui.i18n import md_escape

    for ordinary in ("window=0 is not allowed: window must be an integer in [1, 100]", "king, queen (3)",
                     "v.txt is not a word2vec file: its first line should be '<number of words> <dimensions>'"):
        assert md_escape(ordinary) == ordinary
    for evil in (EVIL, "[a][ref]\n[ref]: https://evil.example", "<https://evil.example>", "www.evil.example",
                 "see https://evil.example now", "[a]\\](https://evil.example)", "<me@evil.example>"):
        assert not live_markdown(md_escape(evil)) and "evil" in md_escape(evil), md_escape(evil)
    assert md_escape(":red[big] :material/home:") == "\\:red\\[big\\] \\:material/home:"


def test_a_settings_json_saved_by_notepad_with_a_byte_order_mark_is_read(open_page):
    at = open_page("pages/10_import_export.py")
    upload_settings(at, b"\xef\xbb\xbf" + json.dumps({"window": 4}).encode())
    assert not at.error, [e.value for e in at.error]
    at.button(key="ie_apply").click().run()
    assert widget_value(at, "window") == 4


@pytest.mark.parametrize("data,fragment", [
    ('{"window": %s}' % ("9" * 5000), "window='999"),                    # int() of 5,000 digits: a named value
    ('{"alpha": %s}' % ("9" * 5000), "alpha='999"),
    ('{"window": 1e400}', "window=inf"),
    (json.dumps({"corpus": EVIL, "window": 3}), "corpus="),
])
def test_settings_json_with_huge_numbers_or_links_is_named_plainly(open_page, data, fragment):
    at = open_page("pages/10_import_export.py")
    upload_settings(at, data.encode())
    shown = " ".join(w.value for w in [*at.warning, *at.error])
    assert fragment in shown and "set_int_max_str_digits" not in shown and not live_markdown(shown), shown
    assert len(shown) < 1500


def test_a_value_of_5000_digits_is_named_briefly_in_every_note():
    raw = {name: 10**5000 for name in ("window", "alpha", "sample", "architecture", "corpus", "segmenter")}
    values, notes = ui_settings.sidebar_values(raw, dict(ui_settings.DEFAULTS), ["tiny"])
    assert len(notes) == 6 and all("<an integer of about 5,001 digits>" in n and len(n) < 200 for n in notes), notes
    assert values == {"window": 10, "alpha": 100.0, "sample": 0.01}
