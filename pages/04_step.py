import streamlit as st

st.title("04_step")
st.info("This page is being built.")
