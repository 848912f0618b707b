"""Live distillation: pick a preset, press Run, watch a teacher teach a student on this CPU.

Top: the presets and the Run button (a newcomer needs nothing else). Settings, folded: task,
teacher, student, objective, T / alpha, training. While a run is queued or running, a fragment
polls the shared job runner each second: progress, ETA, live curves, Cancel. When it ends:
teacher vs the student on hard labels, on the teacher's labels and distilled, the verdict that credits
each gain to the extra text or the soft targets, confusion matrices, the
disagreements, the student as a zip and the command that reproduces the run. Past runs below.
"""

from __future__ import annotations


import streamlit as st

from distill_core import data as D
from distill_core.experiments.comparison import DistillReport, DistillSpec
from distill_core.errors import DistillError
from distill_core.experiments.base import ALPHA_MAX, ALPHA_MIN, cap_rows
from distill_core.experiments.specs import DISTILL_PRESETS, DistillPreset as Preset
from distill_core.losses import OBJECTIVES as LOSS_OBJECTIVES
from distill_core.models import BUNDLED, teacher_layer_count
from distill_core.teacher import TeacherConfig
from pages._runtime import extra_presets, locked, runner
from pages._ui import course
from pages._ui.distill_figures import layer_diagram
from pages._ui.distill_reference import show_reference
from pages._ui.distill_results import curves_row, fmt_seconds, live_every, show_live, show_past_runs, show_results
from pages._ui.prepare_status import show_prepare_status
from pages._ui.style import chart
from pages._ui import session
from pages._ui.run_guard import RunGuard
from pages._ui.guard import guarded, plain, query_choice, query_float, query_run_id
from pages._ui.upload_panel import PreparedUpload, TaskChoice, pick_upload
from pages._ui.student_choice import learning_rates, step_cost, student_choice


# The presets live in the spec layer, so the CLI's --preset quick and the Quick demo are the same run.
PRESETS: dict[str, Preset] = dict(DISTILL_PRESETS)
PRESETS.update({key: Preset(**fields) for key, fields in (extra_presets("distill") or {}).items()})

# term -> (label, weight, source), from the engine's one registry of objectives
OBJECTIVES = {o.name: (o.label, o.default_weight, o.paper) for o in LOSS_OBJECTIVES.values()}
INITS = {
    "pretrained": "pre-trained teacher layers",
    "finetuned": "fine-tuned teacher layers",
    "random": "random",
}
LAYER_MAPS = {
    "distilbert": "the layers it was copied from (DistilBERT)",
    "tinybert": "uniform: every N/M-th teacher layer (TinyBERT)",
    "pkd-skip": "every k-th teacher layer (PKD-skip)",
    "pkd-last": "the teacher's last layers (PKD-last)",
}

T_CHOICES = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 20.0]

# Examples per second on a 2-core laptop CPU (measured by the Quick and Thorough reference runs);
# the estimate is replaced by this machine's own speed once one run has finished here.
DEFAULT_SPEED = {"teacher": 40.0, "student": 80.0}

# Each widget declares its default in its own call (``initial``), in every script run; values from a link are set
# in session state, which wins. Defaults set only in session state were lost now and then on Streamlit 1.67 (a
# widget came back at its first option): in 2 of 5 browser benches a Run pressed a second after the page settled
# ran at T = 0.5, alpha = 0 and without the transfer set. RunGuard covers a Run pressed mid-rerun.
DEFAULTS = {
    "dist_preset": "quick",
    "dist_task": "sentiment",
    "dist_teacher_kind": "Bundled MiniLM (offline)",
    "dist_arch": "Truncated BERT",
    "dist_T": DistillSpec.default("temperature"),
    "dist_alpha": DistillSpec.default("alpha"),
    "dist_use_transfer": True,
}
DEFAULT_LAYERS = [0, 2, 4]


def initial(key: str, options: list | None = None, name: str = "value") -> dict:
    """The keyword that gives the widget ``key`` its default (``index=`` among ``options`` for a radio), in every
    script run: a value in session state (a link's, the user's) still wins."""
    value = DEFAULTS[key]
    if options is not None:
        return {"index": options.index(value)} if value in options else {}
    return {name: value}


def preset_key_now() -> str:
    return st.session_state.get("dist_preset") or DEFAULTS["dist_preset"]


def keep_a_preset() -> None:
    """Clicking the chosen preset again would deselect it (a segmented control's None): keep the last one."""
    if st.session_state.get("dist_preset") is None:
        st.session_state["dist_preset"] = st.session_state.get("dist_preset_last", DEFAULTS["dist_preset"])
    st.session_state["dist_preset_last"] = st.session_state["dist_preset"]


# ------------------------------------------------------------------ state and URL


def init_state() -> None:
    if "dist_url_read" not in st.session_state:
        st.session_state["dist_url_read"] = True
        # every value from the link is checked (pages/_ui/guard.py): a bad one is dropped with a one-line notice
        url = {"dist_preset": query_choice("preset", PRESETS), "dist_task": query_choice("task", D.available_sample_tasks()),
               "dist_T": query_float("T", 0.5, 20.0, T_CHOICES), "dist_alpha": query_float("alpha", ALPHA_MIN, ALPHA_MAX),
               "dist_run": query_run_id("run")}
        st.session_state.update({key: value for key, value in url.items() if value is not None})


def reset() -> None:
    for key in [k for k in st.session_state if str(k).startswith("dist_")]:
        del st.session_state[key]
    st.query_params.clear()
    st.session_state["dist_url_read"] = True


def sync_url() -> None:
    for name, key in (("preset", "dist_preset"), ("task", "dist_task")):
        st.query_params[name] = st.session_state.get(key) or DEFAULTS[key]
    st.query_params["T"] = f"{st.session_state.get('dist_T', DEFAULTS['dist_T']):g}"
    st.query_params["alpha"] = f"{st.session_state.get('dist_alpha', DEFAULTS['dist_alpha']):g}"  # ?run= is the run's public id, set where it opens


# ------------------------------------------------------------------ figures


# ------------------------------------------------------------------ settings


def _teacher_epochs(spec: DistillSpec) -> int:
    return TeacherConfig.for_task(spec.task if not spec.data_file else None, spec.teacher, spec.teacher_epochs).epochs


def teacher_seconds(spec: DistillSpec, n_teacher: int, speed: dict) -> float:
    """Fine-tuning the teacher: its epochs over every labelled training row (labels_per_class caps the students only)."""
    return _teacher_epochs(spec) * n_teacher / speed["teacher"]


def estimate_seconds(spec: DistillSpec, n_train: int, n_transfer: int, teacher_cached: bool, speed: dict, n_teacher: int) -> float:
    students = 3 if n_transfer else 2  # the student on the teacher's labels trains only with transfer rows
    per_seed = spec.epochs * students * (n_train + n_transfer) / speed["student"] * step_cost(spec)  # word students: ~0.1
    teacher = 0.0 if teacher_cached else teacher_seconds(spec, n_teacher, speed)
    inference = (n_train + n_transfer) / (speed["teacher"] * 6)
    return teacher + inference + per_seed * len(spec.seeds) + 15


def measured_speed(runs) -> dict:
    """This machine's student speed from finished runs (examples/s), else the laptop default."""
    speeds = []
    for run in runs:
        distilled = ((run.metrics or {}).get("results") or {}).get("distilled") or {}
        # a word student's run (student_kind bilstm / cnn) would read ~10x faster than a transformer step
        if run.status == "finished" and run.config.get("teacher") == "bundled" and run.config.get("student_kind", "transformer") == "transformer":
            for r in distilled.get("per_seed", []):
                if r.get("examples_per_s"):
                    speeds.append(r["examples_per_s"] * len(run.config.get("student_layers") or [0, 2, 4]) / 3)
    if not speeds:
        return DEFAULT_SPEED
    student = sorted(speeds)[len(speeds) // 2]
    return {"student": student, "teacher": student / 2}


def pick_task() -> TaskChoice:
    tasks = D.available_sample_tasks()
    options = list(tasks) + ["upload"]
    names = {k: v.title for k, v in tasks.items()} | {"upload": "Upload a CSV / TSV"}
    choice = st.radio("Task", options, format_func=names.get, key="dist_task", horizontal=True, **initial("dist_task", options))
    if choice != "upload":
        st.caption(tasks[choice].description)
        return TaskChoice(task=choice)
    return pick_upload()  # pages/_ui/upload_panel.py: empty labels -> transfer set, a second unlabelled file, the check


def pick_teacher() -> tuple[str, str | None]:
    kinds = ["Bundled MiniLM (offline)"] if locked() else ["Bundled MiniLM (offline)", "Local folder", "Hub id (needs internet)"]
    kind = st.radio("Teacher", kinds, key="dist_teacher_kind", horizontal=True, **initial("dist_teacher_kind", kinds))
    if locked():
        st.caption("This server is in workshop mode: only the bundled teacher is offered.")
    if kind.startswith("Bundled"):
        st.caption("all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, 22.7M parameters. Fine-tuned on the task on the first run, then reused. "
                   "The teacher is itself distilled: every second layer of MiniLM-L12-H384 (Wang et al. 2020, distilled from a "
                   "BERT-base-sized UniLM v2), fine-tuned on 1B sentence pairs by sentence-transformers.")
        return "bundled", None
    if kind == "Local folder":
        path = st.text_input("Folder with a BERT-family model (config.json + .safetensors)", key="dist_teacher_path").strip()
        return path, None if path else "Type the folder of the teacher model."
    hub = st.text_input("Hugging Face model id", value="bert-base-uncased", key="dist_teacher_hub").strip()
    st.caption("Downloads the weights: fails with a clear message when offline.")
    return hub, None if hub else "Type a model id."


def settings_form(preset: Preset) -> tuple[DistillSpec | None, str | None, PreparedUpload | None]:
    """(the settings as a spec or None, why they can't run yet, the uploaded table parsed once)."""
    choice = pick_task()
    teacher, teacher_problem = pick_teacher() if preset.teacher == "bundled" else (preset.teacher, None)
    problem = choice.problem or teacher_problem

    st.markdown("**Student**")
    student_kind = student_choice()  # the teacher's kept layers, or Tang et al. (2019)'s BiLSTM / a CNN (pages/_ui/student_choice.py)
    n_layers = teacher_layer_count(teacher) or 12  # a hub id's depth needs the network: BERT-base's until it loads
    default_layers = [x for x in DEFAULT_LAYERS if x < n_layers] or list(range(0, n_layers, 2))
    c1, c2 = st.columns([3, 2])
    with c1:
        layers = st.multiselect(
            "Teacher layers the student keeps", list(range(n_layers)), default=default_layers, key="dist_layers_pick",
            format_func=lambda i: f"layer {i + 1}",  # 0-based values for the engine, 1-based names as on every page
            help="DistilBERT kept one layer in two (Sanh et al. 2019): here layers 1, 3, 5 of 6.",
        )
        layers = sorted(layers)
        archs = ["Truncated BERT", "DistilBERT"]
        arch = st.radio("Architecture", archs, key="dist_arch", horizontal=True, **initial("dist_arch", archs),
                        help="DistilBERT drops token-type embeddings and the pooler; weights are mapped from BERT.")
        init = st.radio("Initialisation", list(INITS), index=list(INITS).index(preset.init), horizontal=True, format_func=INITS.get,
                        key=f"dist_init_{preset_key_now()}",
                        help="Pre-trained teacher layers: DistilBERT's recipe, the hard-label student never sees the teacher. "
                             "Fine-tuned teacher layers: both students start with the teacher's task knowledge. Random: no head start at all.")
        extra = st.pills("Objective: logits KD (always), plus", list(OBJECTIVES), selection_mode="multi", key="dist_objectives",
                         format_func=lambda k: OBJECTIVES[k][0],
                         help="Intermediate-layer terms, each added with its weight: " + "; ".join(f"{v[0]} x{v[1]:g} ({v[2]})" for v in OBJECTIVES.values()))
        layer_map = "distilbert"
        if extra:
            layer_map = st.selectbox("Which teacher layer each student layer matches", list(LAYER_MAPS), format_func=LAYER_MAPS.get, key="dist_layer_map")
            st.caption("The teacher runs on every batch to give its hidden states and attention: expect roughly 2x the time per step.")
    with c2:
        chart(layer_diagram(n_layers, layers or [0], init == "random"), key="dist_diagram")
    if not layers:
        problem = problem or "Keep at least one teacher layer."
    if student_kind != "transformer" and extra:  # the objectives match transformer layers one to one
        problem = problem or "A BiLSTM or CNN student learns from the teacher's logits only: clear the intermediate objectives."

    st.markdown("**The loss**")
    st.latex(r"L = \alpha\,\mathrm{CE}(s, y) + (1-\alpha)\,T^2\,\mathrm{KL}\big(\mathrm{softmax}(t/T)\,\|\,\mathrm{softmax}(s/T)\big)")
    c1, c2 = st.columns(2)
    temperature = c1.select_slider("Temperature T", T_CHOICES, key="dist_T", **initial("dist_T"),
                                   help="Higher T softens the teacher's targets and shows more of the non-top classes.")
    alpha = c2.slider("alpha (weight of the hard labels)", 0.0, 1.0, step=0.05, key="dist_alpha", **initial("dist_alpha"),
                      help="alpha = 1: the labels alone; alpha = 0: the teacher alone.")

    st.markdown("**Training**")
    c1, c2, c3, c4, c5 = st.columns(5)
    epochs = c1.number_input("Epochs", 1, 20, value=preset.epochs, key=f"dist_epochs_{preset_key_now()}")
    rates, default_lr = learning_rates(student_kind, preset.learning_rate)  # a word student learns at higher rates
    lr = c2.select_slider("Learning rate", rates, value=default_lr, key=f"dist_lr_{preset_key_now()}_{student_kind}", format_func=lambda v: f"{v:g}")
    seeds = c3.number_input("Seeds", 1, 5, value=preset.seeds, key=f"dist_seeds_{preset_key_now()}",
                            help="Each seed trains both students again: the spread shows what is noise.")
    per_class = c4.number_input("Labels per class (0 = all)", 0, 100_000, value=preset.labels_per_class or 0, step=5,
                                key=f"dist_per_class_{preset_key_now()}",
                                help="Few labels and much unlabelled text the teacher labels: where distillation pays.")
    cap = c5.number_input("Cap on training rows (0 = all)", 0, 100_000, value=preset.max_train or 0, step=50,
                          key=f"dist_cap_{preset_key_now()}")
    use_transfer = st.checkbox("Add the task's unlabelled transfer pool, labelled by the teacher's soft targets", key="dist_use_transfer", **initial("dist_use_transfer"),
                               help="The usual real setting: the teacher labels extra text for the student. A third student then "
                                    "trains on the teacher's top class for that text, so the table can tell what the extra text gives "
                                    "from what the soft targets add. An upload's pool: its rows with an empty label, and the optional second file.")
    if problem:
        return None, problem, None
    return DistillSpec(
        task=choice.task, data_file=choice.data_file, transfer_file=choice.transfer_file, text_col=choice.text_col, label_col=choice.label_col, teacher=teacher, teacher_epochs=preset.teacher_epochs,
        student_layers=layers, init=init, architecture="distilbert" if arch == "DistilBERT" else "bert", student_kind=student_kind,
        temperature=float(temperature), alpha=float(alpha), epochs=int(epochs), learning_rate=float(lr), seeds=list(range(int(seeds))),
        max_train=int(cap) or None, labels_per_class=int(per_class) or None, batch_size=preset.batch_size,
        max_length=preset.max_length, unlabelled_weight=preset.unlabelled_weight, use_transfer=bool(use_transfer), transfer_size=preset.transfer_size,
        layer_map=layer_map, **{k: OBJECTIVES[k][1] for k in (extra or [])},
    ), None, choice.table


# ------------------------------------------------------------------ the page

init_state()
st.title("Live distillation")
course.header("distill")
st.markdown(
    f"A fine-tuned **teacher** (the bundled MiniLM, {teacher_layer_count(BUNDLED)} layers) teaches a **student** with half its layers. "
    "Each run trains the same student on the hard labels alone, on the teacher's top-class labels of extra unlabelled text "
    "(when the task has some), and on the teacher's soft targets, all for the same number of steps, then compares them with "
    "the teacher on held-out test data: the extra text's gain and what soft targets add on top are told apart. "
    "Pick a preset and press **Run**."
)

guard = RunGuard("dist")  # a Run pressed while the page was still rerunning starts nothing (pages/_ui/run_guard.py)
show_prepare_status()  # the teachers being made ready in the background since the app started
job = runner()
preset_key = st.segmented_control("Preset", list(PRESETS), format_func=lambda k: PRESETS[k].label, key="dist_preset",
                                  on_change=keep_a_preset, **initial("dist_preset", name="default")) or DEFAULTS["dist_preset"]
preset = PRESETS[preset_key]

# a key keeps it open across reruns (picking a task or uploading a file added elements inside and closed it)
with st.expander("Settings: task, teacher, student, loss, training", expanded=False, key="dist_settings_open"):
    spec, problem, upload_table = settings_form(preset)

estimate = None  # seconds; the run's time limit is a multiple of it
if spec is not None and job is not None:
    try:
        if spec.task:
            task_data = D.load_sample_task(spec.task)
            n_train = len(cap_rows(task_data.train, spec.max_train, [], spec.labels_per_class))  # the rows the run will keep
            n_transfer = min(len(task_data.transfer), spec.transfer_size or 10**9) if spec.use_transfer else 0
            n_teacher = len(task_data.train)
        else:
            n_train, n_transfer = upload_table.sizes(spec) if upload_table is not None else (700, 0)
            n_teacher = n_train
        from distill_core.teacher import teacher_is_cached

        cached = spec.teacher == "bundled" and spec.task is not None and teacher_is_cached(spec.task)
        speed = measured_speed(job.store.list(kind="distill", limit=20))
        estimate = estimate_seconds(spec, n_train, n_transfer, cached, speed, n_teacher)
        st.caption(
            f"**{preset.label}**: {preset.blurb}. Estimated time on this machine: about {fmt_seconds(estimate)}"
            + ("" if cached or spec.teacher != "bundled" else ", including about "
               f"{fmt_seconds(teacher_seconds(spec, n_teacher, speed))} to fine-tune the teacher the first time")
            + ". Other runs in the queue come first."
        )
    except DistillError as exc:
        problem = str(exc)

c1, c2, _ = st.columns([1, 1, 4])
run_clicked = c1.button("Run", type="primary", icon=":material/play_arrow:", disabled=spec is None or job is None, key="dist_run_button",
                        on_click=guard.pressed)
c2.button("Reset", on_click=reset, icon=":material/restart_alt:", key="dist_reset")
guard.completed()  # every setting above has been drawn in this script run
if problem:
    st.warning(problem)
if run_clicked and spec is not None and job is not None and not guard.refused():
    try:
        run_kwargs = {"allow_hub": False, "allow_local": False} if locked() else {}
        if upload_table is not None:  # the run splits the table the page already read, not the saved file again
            run_kwargs["task_data"] = upload_table.task_data()  # keeps the file(s) on the server, atomically
        task_key = spec.task or D.upload_task_name(spec.data_file)
        st.session_state["dist_run"] = job.submit(spec, task=task_key, owner=session.owner_token(), estimate_s=estimate, **run_kwargs)
    except DistillError as exc:
        st.error(str(exc))
sync_url()

run_id = st.session_state.get("dist_run")  # this session's run (an int), or a link's public id (a str)
if run_id and job is not None:
    # exists, this session's or shared, and a distill run; the link then carries its public id, never the int
    run, run_problem = session.open_run(job.store, run_id, "distill")
    run_id = st.session_state["dist_run"] = run.id if run else None
    if run:
        st.query_params["run"] = run.public_id
    state = job.status(run_id) if run else None
    st.divider()
    if state is None:
        st.query_params.pop("run", None)
        st.warning(run_problem or "There is no such run on this server.")
    elif state.status in ("queued", "running"):
        st.subheader(f"Run {run.public_id}")  # the id in the link; the int would tell how many runs the server holds
        every = live_every(state)
        st.fragment(guarded(show_live), run_every=every)(run_id, every)
    elif state.status == "finished" and state.report:
        st.subheader(f"Run {run.public_id}: results")
        show_results(run_id, report := DistillReport.from_dict(state.report))
        course.record_result("distill", f"Run {run.public_id}: {report.verdict()}", table=report.table())
    else:
        st.subheader(f"Run {run.public_id}: {state.status}")
        (st.error if state.status == "failed" else st.info)(plain(state.error or state.status))  # a call: Streamlit's magic leaves it alone
        curves_row(state, f"dist_end_{run_id}")

if not run_id:  # nothing run yet: the page still shows what the Quick demo measured
    st.divider()
    show_reference()

st.divider()
show_past_runs(st.session_state.get("dist_task") if st.session_state.get("dist_task") != "upload" else None)
course.footer("distill")
