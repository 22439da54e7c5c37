import streamlit as st

st.title("02_corpus")
st.info("This page is being built.")
