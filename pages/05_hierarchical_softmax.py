import streamlit as st

st.title("05_hierarchical_softmax")
st.info("This page is being built.")
