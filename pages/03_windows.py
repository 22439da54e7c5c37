import streamlit as st

st.title("03_windows")
st.info("This page is being built.")
