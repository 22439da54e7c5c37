import streamlit as st

st.title("06_negative_sampling")
st.info("This page is being built.")
