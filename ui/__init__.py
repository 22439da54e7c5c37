"""Streamlit glue between the pages and the engine: session state, cached builders, reusable charts."""
