import streamlit as st

st.title("01_home")
st.info("This page is being built.")
