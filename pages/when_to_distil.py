"""Course step 8, when to distil: a scenario against the seed article's checklist (the engine's CRITERIA and
recommend, as on the Trade-offs page), then the levers in the order the lab's measurements rank them."""

from __future__ import annotations

import streamlit as st

from pages._ui import course
from pages._ui.checklist import checklist
from pages._ui.widgets import reset_page, state_from_url, state_to_url

# scenario -> (label, the criteria that hold for it)
SCENARIOS: dict[str, tuple[str, tuple[str, ...]]] = {
    "phone": ("An intent classifier inside a phone app, offline", ("device", "fixed_task")),
    "api": ("A sentiment API at millions of calls a day, paying a hosted model per call", ("latency", "fixed_task", "api_cost")),
    "prototype": ("A new product whose labels are still changing", ("prototyping", "changes_often")),
    "accuracy": ("Medical triage, where every point of accuracy counts", ("fixed_task", "gap_matters")),
    "custom": ("My own project (tick below)", ()),
}
DEFAULT_SCENARIO = "phone"
# The levers in the order of what they gave here, with what to do about each (the numbers are the findings')
LEVERS = {
    "init": "start the student from the teacher's layers, always",
    "transfer": "gather unlabelled in-domain text and let the teacher label it",
    "soft": "then try soft targets, with a patient schedule, against the teacher's top-class labels",
    "intermediate": "hidden-state matching is worth a try; measure it over seeds",
    "int8": "quantise last, and measure what it changes",
    "capacity": "don't shrink past what the task needs: the smallest student collapsed",
}

st.title("When to distil")
course.header("when_to_distil")

st.header("1. Your case")
state_from_url({"scenario": ("wtd_scenario", lambda v: v if v in SCENARIOS else None)})
pick = st.selectbox("Scenario", list(SCENARIOS), format_func=lambda k: SCENARIOS[k][0], key="wtd_scenario")
state_to_url({"scenario": (pick, DEFAULT_SCENARIO)})
ticked = SCENARIOS[pick][1]
st.button("Reset", key="wtd_reset", icon=":material/restart_alt:", on_click=reset_page, args=({"wtd_scenario": DEFAULT_SCENARIO}, "wtd_"))
checklist({key: True for key in ticked}, f"wtd_{pick}_")
st.caption("The same checklist as on the Trade-offs page, where the cost model and the frontier put numbers on the first "
           "two criteria.")

st.header("2. If you distil: what to try first")
st.markdown("The levers in the order of what they gave in this lab (reference runs, read from assets/reference/ as you look). "
            "Answer the question at the top first: the list opens once you have.")
with st.expander("The levers, ranked by the lab's measurements", expanded="when_to_distil" in course.predictions()):
    course.show_findings(list(LEVERS), advice=LEVERS)
course.footer("when_to_distil")
