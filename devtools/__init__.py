"""Helpers for the people working on the app, shared by the tests and the benchmarks (not part of the app).

app_server: `streamlit run app.py` on a free port, waited for until it answers, and stopped.
browser:    Debian's /usr/bin/chromium, headless, through Playwright.
"""
