"""Streamlit glue between the pages and lessons/ + engine/: shared glue at this level (state, settings, i18n,
jobs and pacing, compiling, presenter, guards, pickers, choices, source, stepping, training, code), the charts by
kind in ui/charts/, and what each page draws in ui/views/."""
