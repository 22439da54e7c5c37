"""The Class page in a real browser: the teacher's projector at 1280x720 in presenter mode (the room code and
its QR code, a live poll with 30 answers, the reveal) and a student's phone (390x844) joining, answering and
seeing the result. 29 of the 30 students answer through the same store (SQLite file) as other app
processes would; one is the phone. Screenshots go to build/screenshots/13_class_*.png, and to
docs/screenshots/ with UPDATE_SCREENSHOTS=1 (`make screenshots`).
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from devtools.browser import full_page_screenshot, have_chromium
from ui.i18n import t

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not have_chromium(), reason="/usr/bin/chromium is missing (Debian's chromium)")]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
WAIT = 60_000


@pytest.fixture(scope="module")
def class_app(tmp_path_factory):
    """`streamlit run app.py` with a class store of its own (W2V_CLASS_STORE, read by this process too)."""
    from devtools.app_server import AppServer
    from ui.class_room import store as class_store

    folder = str(tmp_path_factory.mktemp("class_store"))
    old = os.environ.get(class_store.ENV)
    os.environ[class_store.ENV] = folder
    try:
        with AppServer(timeout=120) as server:
            yield server, class_store.open_store(folder)
    finally:
        if old is None:
            os.environ.pop(class_store.ENV, None)
        else:
            os.environ[class_store.ENV] = old


def _settled(tab):
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT)
    tab.wait_for_timeout(600)


def test_projector_and_phone(class_app, browser):
    from playwright.sync_api import expect

    from ui.class_room import rooms

    app, store = class_app
    SHOTS.mkdir(parents=True, exist_ok=True)
    shots = []

    def shot(tab, name):
        tab.evaluate("() => document.querySelectorAll('*').forEach((e) => { if (e.scrollTop > 0) e.scrollTop = 0; })")
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(SHOTS / name))
        shots.append(SHOTS / name)

    # the teacher starts a class on the projector (presenter mode, 1280x720)
    prof = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    prof.goto(f"{app.url}/class?corpus=tiny&presenter=1")
    prof.get_by_role("button", name=t("class_room.start")).click()
    expect(prof.get_by_text(t("class_room.room_code"), exact=True)).to_be_visible(timeout=WAIT)
    prof.wait_for_function("() => location.search.includes('teacher=')", timeout=WAIT)
    code = rooms.normalise_code(prof.url.split("room=")[1].split("&")[0])
    expect(prof.get_by_text(rooms.display_code(code), exact=True)).to_be_visible(timeout=WAIT)
    qr = prof.locator('[data-testid="stImage"] img').first
    expect(qr).to_be_visible(timeout=WAIT)
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720, box
    _settled(prof)
    shot(prof, "13_class_projector.png")

    # a phone joins by the join link, with a nickname
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{app.url}/class?room={code}")
    phone.get_by_role("textbox", name=t("class_room.nickname")).fill("Mei")
    phone.get_by_role("button", name=t("class_room.join")).click()
    expect(phone.get_by_text(t("class_room.waiting"))).to_be_visible(timeout=WAIT)
    assert "me=" in phone.url
    _settled(phone)
    shot(phone, "13_class_phone_waiting.png")
    others = [rooms.join(store, code, f"s{i}") for i in range(29)]
    expect(prof.get_by_text(t("class_room.students_n", n=30)).first).to_be_visible(timeout=WAIT)

    # the teacher picks a question and starts the poll
    prof.get_by_role("combobox", name=t("class_room.pick_question")).click()
    prof.keyboard.type(t("interview.hs_sum.title"))
    prof.keyboard.press("Enter")
    _settled(prof)
    prof.get_by_role("button", name=t("class_room.start_poll")).click()
    expect(prof.get_by_text(t("class_room.answered", answered=0, students=30))).to_be_visible(timeout=WAIT)

    # the phone answers
    expect(phone.get_by_text(t("interview.hs_sum.title"))).to_be_visible(timeout=WAIT)
    phone.get_by_text(t("interview.hs_sum.c_more"), exact=True).click()
    phone.get_by_role("button", name=t("class_room.send_answer")).click()
    expect(phone.get_by_text(t("class_room.saved"))).to_be_visible(timeout=WAIT)
    _settled(phone)
    shot(phone, "13_class_phone_answer.png")

    # 29 more answers arrive through the store; the projector counts them live
    poll = rooms.room_state(store, code)["poll"]["id"]
    rng = random.Random(3)
    for student in others:
        rooms.answer(store, code, student, poll, {"sum": rng.choice(["one"] * 5 + ["less"] * 3 + ["more", "depends"])})
    expect(prof.get_by_text(t("class_room.answered", answered=30, students=30))).to_be_visible(timeout=WAIT)
    _settled(prof)
    assert prof.locator('[data-testid="stVegaLiteChart"]').count() >= 1
    assert "Mei" not in prof.locator('[data-testid="stMain"]').inner_text()    # nobody named on the projector
    shot(prof, "13_class_projector_poll.png")

    # the reveal: the experiment runs once, on the teacher's corpus; every screen shows the result
    prof.get_by_role("button", name=t("class_room.reveal")).click()
    expect(prof.get_by_text(t("class_room.measured")).first).to_be_visible(timeout=WAIT)
    _settled(prof)
    shot(prof, "13_class_projector_reveal.png")
    expect(phone.get_by_text(t("class_room.you_wrong"))).to_be_visible(timeout=WAIT)
    _settled(phone)
    full_page_screenshot(phone, SHOTS / "13_class_phone_result.png", 390, min_height=844, max_height=2400)
    shots.append(SHOTS / "13_class_phone_result.png")

    # the projector in Chinese (the same room by the teacher's own link)
    zh = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    zh.goto(prof.url.replace("lang=en", "lang=zh") + ("" if "lang=" in prof.url else "&lang=zh"))
    expect(zh.get_by_text(t("class_room.measured", "zh")).first).to_be_visible(timeout=WAIT)
    _settled(zh)
    shot(zh, "zh_13_class_projector_reveal.png")

    if os.environ.get("UPDATE_SCREENSHOTS"):               # make screenshots
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        for path in shots:
            shutil.copy2(path, DOCS_SHOTS / path.name)
