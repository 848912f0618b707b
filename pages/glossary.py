"""Glossary: every term the course uses, one short definition each; the course's term links land on these anchors."""

from __future__ import annotations

import streamlit as st

from pages._ui.glossary_terms import TERMS, anchor

st.title("Glossary")
st.markdown("Each term once, in a line or two. The course's pages link here where a term first appears.")
st.page_link("pages/references.py", label="The papers behind these terms: References", icon=":material/library_books:")

for term in sorted(TERMS, key=lambda t: t.strip("[]").lower()):
    st.subheader(term, anchor=anchor(term))
    st.markdown(TERMS[term])
