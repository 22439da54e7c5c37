import streamlit as st

st.title("10_import_export")
st.info("This page is being built.")
