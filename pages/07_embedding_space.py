import streamlit as st

st.title("07_embedding_space")
st.info("This page is being built.")
