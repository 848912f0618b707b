"""The live page's own data: a labelled CSV/TSV (rows with an empty label become the transfer set), an optional second
file of unlabelled text, and what the engine's check found, said in plain text (nothing a user typed renders as
Markdown). The files are written to the server when a run starts, not before."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from distill_core import data as D
from distill_core.errors import DistillError
from distill_core.uploads import save_upload, upload_path
from pages._ui.guard import plain
from pages._ui.widgets import uploaded_table

TEXT_NAMES = ("text", "sentence", "review", "message", "content", "headline", "title")
LABEL_NAMES = ("label", "labels", "class", "intent", "sentiment", "target", "category", "topic")
HOW_IT_IS_READ = (
    "Leave the label empty on rows you have no label for: the teacher labels them, and they become the **transfer set** "
    "the distilled student and the student on the teacher's labels train on. Only labelled rows are split 70 / 10 / 20 "
    "into train / validation / test (stratified, fixed seed). A few labels per class and a lot of unlabelled text is the "
    "setting where distillation earns its keep."
)


@dataclass
class PreparedUpload:
    """A checked upload (and second file), in memory until a run starts."""

    raw: bytes
    upload: D.Upload
    path: Path  # where it will be kept: named by its content
    text_col: str
    label_col: str
    check: D.TableCheck
    transfer: list[str] | None = None  # texts of the second file
    transfer_raw: bytes | None = None
    transfer_path: Path | None = None

    def task_data(self) -> D.TaskData:
        """Keep the file(s) on the server (atomically: the run's reproduce command reads them), then split the table
        the page already parsed."""
        save_upload(self.raw, self.path)
        if self.transfer_raw is not None and self.transfer_path is not None:
            save_upload(self.transfer_raw, self.transfer_path)
        return D.task_from_table(self.upload.frame, self.text_col, self.label_col, name=self.path.stem,
                                 transfer=self.transfer, upload=self.upload)

    def sizes(self, spec) -> tuple[int, int]:
        """(labelled training rows, transfer rows) a run of ``spec`` uses, for the time estimate."""
        n_train = min(int(self.check.labelled * 0.7), spec.max_train or 10**9)
        n_transfer = min(self.check.unlabelled + self.check.transfer_file, spec.transfer_size or 10**9)
        return n_train, n_transfer if spec.use_transfer else 0


@dataclass
class TaskChoice:
    task: str | None = None  # a sample task, or None with an upload
    data_file: str | None = None  # where the upload is kept on the server (for the CLI command that reproduces the run)
    transfer_file: str | None = None  # the second, unlabelled file, likewise
    text_col: str = "text"
    label_col: str = "label"
    problem: str | None = None
    table: PreparedUpload | None = None  # the upload, parsed once: the run gets it instead of reading the file again


@st.cache_data(show_spinner=False, max_entries=32)
def _check(digest: str, text_col: str, label_col: str, transfer_digest: str | None, _df: pd.DataFrame,
           _upload: D.Upload, _transfer: list[str] | None) -> D.TableCheck:
    """The engine's check, once per (file, columns, second file): not again on every click."""
    return D.validate_table(_df, text_col, label_col, upload=_upload, transfer=_transfer)


def _preview(df: pd.DataFrame, text_col: str, label_col: str) -> pd.DataFrame:
    """A few labelled rows, then a few unlabelled ones: both kinds the run will use."""
    cols = [c for c in dict.fromkeys((text_col, label_col)) if c in df.columns]
    if label_col not in df.columns or text_col == label_col:
        return df[cols].head(5)
    missing = D.label_missing(df[label_col])
    return pd.concat([df.loc[~missing, cols].head(4), df.loc[missing, cols].head(2)])


def _guess(cols: list[str], names: tuple[str, ...], fallback: str) -> str:
    return next((c for c in cols if c.lower() in names), fallback)


def _second_file(text_col: str) -> tuple[object, list[str] | None, str | None, str | None]:
    """(the uploaded value, its texts, its digest, why it can't be used) of the optional unlabelled file."""
    second = st.file_uploader(
        "Optional: a second file of unlabelled text for the transfer set", type=["csv", "tsv", "txt"], key="dist_transfer_upload",
        help=f"A CSV/TSV with a column named like the text column ('{text_col}'), or a single column of texts.",
    )
    if second is None:
        return None, None, None, None
    try:
        parsed, digest = uploaded_table(second)
        return second, D.transfer_texts(parsed, text_col), digest, None
    except DistillError as exc:
        return second, None, None, plain(f"The second file cannot be used: {exc}")


def pick_upload() -> TaskChoice:
    """The upload part of the page's task choice."""
    upload = st.file_uploader(
        "Your file: one row per example, a text column and a label column", type=["csv", "tsv", "txt"], key="dist_upload",
        help=f"CSV or TSV (comma, semicolon, tab or pipe; UTF-8, UTF-16 or Windows-1252), at most {D.MAX_FILE_MB} MB, "
             f"2 to {D.MAX_CLASSES} classes with {D.MIN_ROWS_PER_CLASS}+ labelled rows each.",
    )
    st.caption(HOW_IT_IS_READ)
    if upload is None:
        return TaskChoice(problem="Upload a file, or pick a sample task.")
    try:
        parsed, digest = uploaded_table(upload)
    except DistillError as exc:
        return TaskChoice(problem=plain(exc))
    df = parsed.frame
    cols = list(df.columns)
    c1, c2 = st.columns(2)
    text_col = c1.selectbox("Text column", cols, index=cols.index(_guess(cols, TEXT_NAMES, cols[0])), key="dist_text_col")
    label_col = c2.selectbox("Label column", cols, index=cols.index(_guess(cols, LABEL_NAMES, cols[-1])), key="dist_label_col")
    second, transfer, transfer_digest, second_problem = _second_file(text_col)
    check = _check(digest, text_col, label_col, transfer_digest, df, parsed, transfer)
    st.dataframe(_preview(df, text_col, label_col), hide_index=True, width="stretch")
    st.text("\n".join(line for line in check.lines() if not line.startswith(("warning: ", "problem: "))))
    for w in check.warnings:
        st.warning(plain(w))
    if second_problem or not check.ok:
        return TaskChoice(text_col=text_col, label_col=label_col,
                          problem=second_problem or plain("This file cannot be used yet: " + " ".join(f"{p}." for p in check.problems)))
    raw = upload.getvalue()
    prepared = PreparedUpload(raw, parsed, upload_path(digest, upload.name), text_col, label_col, check)
    if second is not None:
        prepared.transfer, prepared.transfer_raw = transfer, second.getvalue()
        prepared.transfer_path = upload_path(transfer_digest, second.name)
    return TaskChoice(data_file=str(prepared.path), transfer_file=str(prepared.transfer_path) if prepared.transfer_path else None,
                      text_col=text_col, label_col=label_col, table=prepared)
