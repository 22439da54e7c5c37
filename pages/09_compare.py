import streamlit as st

st.title("09_compare")
st.info("This page is being built.")
