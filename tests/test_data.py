import pandas as pd
import pytest

from distill_core import data as D
from distill_core.uploads import ONE_COLUMN
from distill_core.errors import DistillError


def _csv(rows, header="text,label"):
    return ("\n".join([header] + rows) + "\n").encode()


def test_read_table_handles_csv_tsv_and_keeps_formulas_as_text():
    df = D.read_table(_csv(['"=CMD(""calc"")",a', "fine,b"]), "x.csv")
    assert df["text"].tolist() == ['=CMD("calc")', "fine"]
    tsv = D.read_table(b"text\tlabel\nhello, world\tpos\n", "x.tsv")
    assert tsv["text"].tolist() == ["hello, world"]


@pytest.mark.parametrize(
    "raw, name, message",
    [
        (b"", "e.csv", "empty"),
        (b"   \n", "e.csv", "empty"),
        (b"text,label\n", "h.csv", "no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "img.csv", "binary"),
        (b"\xef\xbb\xbf", "bom.csv", "is empty"),
        (b"\xff\xfe", "bom16.csv", "is empty"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(raw, name, message):
    with pytest.raises(DistillError, match=message):
        D.read_table(raw, name)


def test_size_cap_is_checked_in_the_engine(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"text,label\n" + b"x" * 2_100_000)
    with pytest.raises(DistillError, match="limit is 2 MB"):
        D.read_table(big, max_mb=2)


def _frame(n_per_class=6, classes=("a", "b")):
    return pd.DataFrame({"text": [f"t{c}{i}" for c in classes for i in range(n_per_class)], "label": [c for c in classes for _ in range(n_per_class)]})


def test_validate_reports_every_problem_found():
    df = _frame()
    assert D.validate_table(df, "text", "label").ok
    assert "not found" in D.validate_table(df, "review", "label").problems[0]
    one = D.validate_table(_frame(classes=("a",)), "text", "label")
    assert "at least 2" in one.problems[0]
    tiny = D.validate_table(pd.concat([_frame(), pd.DataFrame({"text": ["x"], "label": ["c"]})]), "text", "label")
    assert "fewer than 5 labelled rows" in tiny.problems[0] and "'c' (1)" in tiny.problems[0]
    many = pd.DataFrame({"text": [f"t{i}" for i in range(600)], "label": [str(i) for i in range(600)]})
    assert "600 classes" in D.validate_table(many, "text", "label").problems[0]
    blank = _frame(n_per_class=8)
    blank.loc[0, "text"] = "   "
    blank.loc[1, "label"] = "nan"
    w = D.validate_table(blank, "text", "label")
    assert w.ok and any("empty text" in x for x in w.warnings)
    assert (w.labelled, w.unlabelled) == (14, 1)  # the row whose label is "nan" is unlabelled: a transfer row
    all_blank = pd.DataFrame({"text": ["", " "], "label": ["a", "b"]})
    assert "every text is empty" in D.validate_table(all_blank, "text", "label").problems[0]


def test_long_texts_are_truncated_and_said_so():
    df = _frame()
    df.loc[0, "text"] = "word " * 300_000
    task = D.task_from_table(df, "text", "label")
    assert any("truncated" in n for n in task.notes)
    all_texts = pd.concat([task.train, task.validation, task.test])["text"]
    assert all_texts.str.len().max() == D.MAX_TEXT_CHARS


def test_splits_are_seeded_stratified_and_disjoint():
    df = _frame(n_per_class=30, classes=("x", "y", "z"))
    a = D.task_from_table(df, "text", "label", seed=1)
    b = D.task_from_table(df, "text", "label", seed=1)
    assert a.train.equals(b.train) and a.test.equals(b.test)
    sets = [set(s["text"]) for s in (a.train, a.validation, a.test)]
    assert not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])
    assert sum(map(len, sets)) == 90
    assert sorted(a.test["label"].value_counts().tolist()) == [6, 6, 6]
    assert a.label_names == ["x", "y", "z"]


def test_integer_labels_sort_numerically():
    df = pd.DataFrame({"text": [f"t{i}" for i in range(60)], "label": [str(i % 3 * 5) for i in range(60)]})
    assert D.task_from_table(df, "text", "label").label_names == ["0", "5", "10"]


def test_sentiment_sample_task():
    task = D.load_sample_task("sentiment")
    assert task.label_names == ["negative", "neutral", "positive"]
    total = len(task.train) + len(task.validation) + len(task.test)
    assert total >= 900 and len(task.transfer) >= 1000
    texts = set(task.train["text"]) | set(task.validation["text"]) | set(task.test["text"])
    assert len(texts) == total  # no duplicates across splits
    assert task.fingerprint() == D.load_sample_task("sentiment").fingerprint()


def test_unknown_sample_task():
    with pytest.raises(DistillError, match="unknown sample task"):
        D.load_sample_task("nope")


def test_dynamic_padding_pads_each_batch_to_its_longest():
    from distill_core.models import load_tokenizer

    tok = load_tokenizer()
    enc = D.encode(tok, ["short", "a much longer sentence with many more words in it", "mid length text"], max_length=8)
    assert enc.truncated == 1 and max(len(x) for x in enc.input_ids) == 8
    b = D.pad_batch(enc, [0, 2])
    assert b["input_ids"].shape == (2, max(len(enc.input_ids[0]), len(enc.input_ids[2])))
    assert b["attention_mask"].sum().item() == len(enc.input_ids[0]) + len(enc.input_ids[2])
    assert D.batch_indices(5, 2, shuffle=False) == [[0, 1], [2, 3], [4]]
    assert D.batch_indices(10, 3, True, seed=4) == D.batch_indices(10, 3, True, seed=4)


# ---------------------------------------------------------------- real-world files (#15) and the transfer set (#14)

ROWS = [(f"review {i} was {'lovely' if i % 2 else 'dreadful'} é€", "pos" if i % 2 else "neg") for i in range(12)]


def _text(sep: str, rows=ROWS, header=("text", "label")) -> str:
    return "\n".join([sep.join(header), *(sep.join(r) for r in rows)]) + "\n"


@pytest.mark.parametrize("bom, codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_a_spreadsheets_unicode_text_export_reads(bom, codec):
    """UTF-16 with a byte-order mark, tab-separated, named .txt: what "Unicode text" writes."""
    up = D.read_upload(bom + _text("\t").encode(codec), "export.txt")
    assert (up.encoding, up.delimiter) == ("utf-16", "\t")
    assert up.frame["text"].tolist() == [t for t, _ in ROWS] and up.describe() == "UTF-16 with a byte-order mark, tab-separated"
    check = D.validate_table(up.frame, "text", "label", upload=up)
    assert check.ok and (check.encoding, check.delimiter) == ("utf-16", "\t")


def test_utf8_with_and_without_a_bom():
    plain = D.read_upload(_text(",").encode(), "a.csv")
    bom = D.read_upload(b"\xef\xbb\xbf" + _text(",").encode(), "b.csv")
    assert (plain.encoding, bom.encoding) == ("utf-8", "utf-8-sig")
    assert list(bom.frame.columns) == ["text", "label"] and bom.frame.equals(plain.frame)


@pytest.mark.parametrize("sep, word", [(";", "semicolon"), ("|", "pipe"), ("\t", "tab"), (",", "comma")])
def test_the_delimiter_is_sniffed_even_when_texts_hold_commas(sep, word):
    rows = [(f"{t}, with a comma, or two", y) for t, y in ROWS]
    quoted = [(f'"{t}"' if sep == "," else t, y) for t, y in rows]
    up = D.read_upload(_text(sep, quoted).encode(), "x.csv")
    assert up.delimiter == sep and up.describe().endswith(f"{word}-separated")
    assert up.frame["text"].tolist() == [t for t, _ in rows]


def test_a_tsv_ties_to_tab_and_a_one_column_file_keeps_its_commas():
    assert D.read_upload(b"text\tlabel\na,b\tpos\n", "x.tsv").frame["text"].tolist() == ["a,b"]
    one = D.read_upload(b"text\nfirst, with a comma\nsecond; semicolon\n", "more.txt")
    assert one.delimiter == ONE_COLUMN and one.describe() == "UTF-8, one column"
    assert one.frame["text"].tolist() == ["first, with a comma", "second; semicolon"]


def test_windows_1252_and_latin1_are_read_and_said():
    up = D.read_upload(_text(",").encode("cp1252"), "win.csv")
    assert up.encoding == "cp1252" and up.frame["text"][1] == "review 1 was lovely é€"
    assert any("Windows-1252" in w for w in up.warnings)
    check = D.validate_table(up.frame, "text", "label", upload=up)
    assert check.encoding == "cp1252" and any("Windows-1252" in w for w in check.warnings)
    latin = D.read_upload("text,label\nx\x81 caf\xe9,a\n".encode("latin-1"), "l.csv")  # 0x81 has no Windows-1252 meaning
    assert latin.encoding == "latin-1" and latin.frame["text"][0] == "x\x81 café"


def test_an_absurd_header_is_refused_before_pandas_reads_anything(monkeypatch):
    def never(*a, **k):
        raise AssertionError("pandas was asked to parse a 200,000-column header")

    monkeypatch.setattr(pd, "read_csv", never)
    with pytest.raises(DistillError, match=r"200,001 comma-separated columns; the limit is 1,000"):
        D.read_upload(b"a," * 200_000 + b"\n1,2\n", "wide.csv")
    with pytest.raises(DistillError, match="tab-separated"):
        D.read_upload(b"a\t" * 1_500 + b"\n", "wide.tsv")


def test_duplicate_column_names_are_renamed_and_said():
    raw = b"text, text,label,note,note\n" + b"\n".join(f"t{i},u{i},{'ab'[i % 2]},n,m".encode() for i in range(12))
    up = D.read_upload(raw, "dup.csv")
    assert list(up.frame.columns) == ["text", "text (2)", "label", "note", "note (2)"]
    assert up.duplicates == {"text": 2, "note": 2}
    chosen = D.validate_table(up.frame, "text", "label", upload=up)  # which "text"? the user must say
    assert chosen.problems == ["2 columns are named 'text' (read as 'text', 'text (2)'): rename them in the file, so it is clear which one is meant"]
    assert chosen.warnings == ["column name 'note' appears 2 times; the columns are read as 'note', 'note (2)'"]
    other = D.validate_table(up.frame, "text (2)", "label", upload=up)
    assert other.ok and len(other.warnings) == 2
    with pytest.raises(DistillError, match="2 columns are named 'text'"):
        D.task_from_table(up.frame, "text", "label", upload=up)


def test_a_row_wider_than_the_header_is_an_error_not_a_shift():
    for rows in (["a, b,pos", "c,neg"], ["c,neg", "a, b,pos"]):  # the first data row (pandas' index guess) or a later one
        with pytest.raises(DistillError, match="has 3 comma-separated fields, more than the header's 2"):
            D.read_upload(("text,label\n" + "\n".join(rows) + "\n").encode(), "w.csv")


def _mixed(n_labelled=8, n_unlabelled=30, classes=("a", "b", "c")) -> pd.DataFrame:
    rows = [(f"{c} labelled {i}", c) for c in classes for i in range(n_labelled)]
    rows += [(f"unlabelled {i}", "" if i % 3 else "NaN") for i in range(n_unlabelled)]
    return pd.DataFrame(rows, columns=["text", "label"])


def test_rows_with_an_empty_label_become_the_transfer_set():
    df = _mixed()
    check = D.validate_table(df, "text", "label")
    assert check.ok and (check.labelled, check.unlabelled) == (24, 30)
    assert check.classes == {"a": 8, "b": 8, "c": 8}  # classes counted on labelled rows only
    assert check.counts() == "24 labelled rows, 30 unlabelled rows used as the transfer set"
    assert "rows: 24 labelled rows, 30 unlabelled rows used as the transfer set" in check.lines()
    task = D.task_from_table(df, "text", "label")
    assert task.label_names == ["a", "b", "c"]
    assert sorted(task.transfer) == sorted(f"unlabelled {i}" for i in range(30))
    split = pd.concat([task.train, task.validation, task.test])
    assert len(split) == 24 and not split["text"].str.startswith("unlabelled").any()  # the split uses labelled rows only
    assert task.summary()["transfer"] == 30


def test_a_second_unlabelled_file_joins_the_transfer_set(tmp_path):
    df = _mixed(n_unlabelled=3)
    more = D.read_upload(b"text\nextra one, with a comma\nextra two\n\n  \na labelled 0\n", "more.txt")
    texts = D.transfer_texts(more, "text")
    assert texts == ["extra one, with a comma", "extra two", "a labelled 0"]
    check = D.validate_table(df, "text", "label", transfer=texts)
    assert check.counts() == "24 labelled rows, 6 unlabelled rows used as the transfer set (3 in the file, 3 from the second file)"
    task = D.task_from_table(df, "text", "label", transfer=texts)
    # "a labelled 0" is a labelled text: teacher-labelled, it could carry a test row into training, so it is left out
    assert task.transfer == ["unlabelled 0", "unlabelled 1", "unlabelled 2", "extra one, with a comma", "extra two"]
    assert any("repeat a labelled text" in n for n in task.notes)
    with pytest.raises(DistillError, match="name its text column 'text'"):
        D.transfer_texts(D.read_upload(b"body,other\nx,y\n", "two.csv"), "text")
    # the same task from files, as the CLI and a run's reproduce command read it
    data, extra = tmp_path / "d.csv", tmp_path / "more.csv"
    df.to_csv(data, index=False)
    extra.write_bytes(b"headline\nextra one, with a comma\nextra two\n")  # one column: its name does not matter
    from_files = D.load_task(data_file=str(data), transfer_file=str(extra))
    assert from_files.transfer == task.transfer[:5] and from_files.fingerprint() == D.task_from_table(
        df, "text", "label", name="d", transfer=["extra one, with a comma", "extra two"]).fingerprint()
    with pytest.raises(DistillError, match="goes with a data file"):
        D.load_task("sentiment", transfer_file=str(extra))


def test_uploads_are_written_atomically(tmp_path, monkeypatch):
    from distill_core import uploads as U

    raw = _text(",").encode()
    digest = __import__("hashlib").sha256(raw).hexdigest()
    path = U.upload_path(digest, "My File.CSV", folder=tmp_path)
    assert path.parent == tmp_path and path.suffix == ".csv" and path.stem == digest[:16]
    path.write_bytes(raw[:10])  # a truncated copy left by an older, non-atomic write
    assert U.save_upload(raw, path).read_bytes() == raw
    other = tmp_path / "other.csv"

    def crash(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(U.os, "replace", crash)
    with pytest.raises(OSError):
        U.save_upload(raw, other)
    assert not other.exists() and sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary file left


def test_check_data_prints_what_the_page_says_and_exits_by_outcome(tmp_path, capsys):
    from distill_core.__main__ import main

    good, more = tmp_path / "good.csv", tmp_path / "more.txt"
    good.write_bytes(("text;label\n" + "\n".join(f"{t};{y}" for t, y in ROWS) + "\nnot labelled yet;\n").encode("cp1252"))
    more.write_bytes(b"\xff\xfe" + "text\nanother text\n".encode("utf-16-le"))
    assert main(["check-data", str(good), "--transfer-file", str(more)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "file: good.csv: Windows-1252, semicolon-separated; transfer file more.txt: UTF-16 with a byte-order mark, one column, 1 texts"
    assert out[1] == "rows: 12 labelled rows, 2 unlabelled rows used as the transfer set (1 in the file, 1 from the second file)"
    assert out[2] == "classes (2): neg 6, pos 6"
    assert any(line.startswith("warning: ") and "Windows-1252" in line for line in out) and out[-1] == "ok: the file can be used"
    assert main(["check-data", str(good), "--label-col", "text"]) == 1
    out = capsys.readouterr().out
    assert "problem: the text and label columns must differ" in out and out.strip().endswith("not usable: 1 problem(s)")
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf")
    assert main(["check-data", str(tmp_path / "bom.csv")]) == 2
    assert capsys.readouterr().err.strip() == "error: bom.csv is empty (it holds only a byte-order mark)"


class _FakeUpload:
    def __init__(self, raw: bytes, name: str, file_id: str):
        self.raw, self.name, self.file_id, self.size = raw, name, file_id, len(raw)
        self.reads = 0

    def getvalue(self) -> bytes:
        self.reads += 1
        return self.raw


def test_the_page_parses_an_upload_once_and_keeps_a_refusal_too(monkeypatch):
    from distill_core import data as data_module
    from pages._ui import widgets

    calls = []
    real = data_module.read_upload
    monkeypatch.setattr(data_module, "read_upload", lambda raw, name: calls.append(name) or real(raw, name))
    widgets._parse_upload.clear()
    good = _FakeUpload(_text(",").encode(), "good.csv", "id-good")
    first = [widgets.uploaded_table(good) for _ in range(3)]  # three clicks
    assert calls == ["good.csv"] and first[0][0] is first[2][0]
    assert first[0][1] == __import__("hashlib").sha256(good.raw).hexdigest()
    bad = _FakeUpload(b"\xef\xbb\xbf", "bom.csv", "id-bad")
    for _ in range(3):
        with pytest.raises(DistillError, match="is empty"):
            widgets.uploaded_table(bad)
    assert calls == ["good.csv", "bom.csv"]


def test_a_few_labels_and_many_unlabelled_rows_run_the_whole_comparison(tmp_path, lab_home, tiny_model):
    """End to end on the tiny model: 4 classes x 8 labels, 150 rows with an empty label plus a second file of 20 texts."""
    from distill_core.experiments.comparison import DistillSpec, run_comparison
    from distill_core.formatting import reproduce_command

    topics = {"world": "election summit minister", "sports": "match goal league", "business": "shares profit market",
              "science": "telescope cell physics"}
    rows = [(f"{words.split()[i % 3]} story number {i}", label) for label, words in topics.items() for i in range(8)]
    rows += [(f"{list(topics.values())[i % 4].split()[i % 3]} unlabelled headline {i}", "") for i in range(150)]
    data, more = tmp_path / "news.csv", tmp_path / "more.csv"
    pd.DataFrame(rows, columns=["headline", "topic"]).to_csv(data, index=False)
    more.write_text("headline\n" + "\n".join(f"extra {w} text {i}" for i, w in enumerate(["goal", "market"] * 10)) + "\n")
    spec = DistillSpec(task=None, data_file=str(data), transfer_file=str(more), text_col="headline", label_col="topic",
                       teacher=tiny_model, teacher_epochs=1, epochs=1, seeds=[0], max_length=16, batch_size=32, latency=False)
    report = run_comparison(spec, home=lab_home)
    assert list(report.results) == ["teacher", "baseline", "pseudo", "distilled"]
    assert report.task["classes"] == 4 and report.task["transfer"] == 170 and report.task["transfer_used"] == 170
    assert report.task["train"] + report.task["validation"] + report.task["test"] == 32  # labelled rows only
    steps = {k: report.results[k].per_seed[0]["steps"] for k in ("baseline", "pseudo", "distilled")}
    assert len(set(steps.values())) == 1 and steps["pseudo"] > 0
    assert f"--transfer-file {more}" in reproduce_command(report.spec)


def test_the_pages_upload_is_saved_at_run_time_and_reads_back_as_the_same_task(lab_home):
    """What the page hands a run equals what the run's reproduce command reads from the saved files."""
    import hashlib

    from pages._ui.upload_panel import PreparedUpload

    raw = ("headline;topic\n" + "\n".join(f"{t};{y}" for t, y in ROWS) + "\nno label yet;\n").encode("cp1252")
    more = b"\xff\xfe" + "headline\nextra text\n".encode("utf-16-le")
    up, extra = D.read_upload(raw, "mine.csv"), D.read_upload(more, "more.txt")
    texts = D.transfer_texts(extra, "headline")
    check = D.validate_table(up.frame, "headline", "topic", upload=up, transfer=texts)
    from distill_core.uploads import upload_path

    prepared = PreparedUpload(raw, up, upload_path(hashlib.sha256(raw).hexdigest(), "mine.csv"), "headline", "topic", check,
                              transfer=texts, transfer_raw=more, transfer_path=upload_path(hashlib.sha256(more).hexdigest(), "more.txt"))
    assert not prepared.path.exists()  # nothing is written before a run starts
    task = prepared.task_data()
    assert prepared.path.read_bytes() == raw and prepared.transfer_path.read_bytes() == more
    assert prepared.path.parent == lab_home / "uploads" and task.transfer == ["no label yet", "extra text"]
    again = D.load_task(data_file=str(prepared.path), text_col="headline", label_col="topic", transfer_file=str(prepared.transfer_path))
    assert again.fingerprint() == task.fingerprint() and again.name == task.name
