"""References: every paper the app cites, with its year, venue, arXiv link and the course pages that cite it."""

from __future__ import annotations

import streamlit as st

from pages._ui.references_content import PAPERS, cited_on, engine_citations, page_sources

st.title("References")
st.markdown("Every paper the app cites, oldest first, with the course pages that cite it (found in the pages' own text).")
sources = page_sources()  # a score of small files, read as the page opens
for p in PAPERS:
    with st.container(border=True):
        link = f" · [arXiv:{p.arxiv}](https://arxiv.org/abs/{p.arxiv})" if p.arxiv else ""
        st.markdown(f"**{p.authors} ({p.year}).** *{p.title}.* {p.venue}{link}")
        pages = cited_on(p, sources)
        where = ", ".join(pages) if pages else "no page; cited in the engine: " + ", ".join(f"`{m}`" for m in engine_citations(p))
        st.caption("Cited on: " + where)
