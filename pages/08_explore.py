import streamlit as st

st.title("08_explore")
st.info("This page is being built.")
