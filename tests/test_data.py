import pandas as pd
import pytest

from distill_core import data as D
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
        ("text,label\ncaf\xe9,a\n".encode("latin-1"), "l.csv", "not UTF-8"),
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
    assert "fewer than 5 rows" in tiny.problems[0] and "'c' (1)" in tiny.problems[0]
    many = pd.DataFrame({"text": [f"t{i}" for i in range(600)], "label": [str(i) for i in range(600)]})
    assert "600 classes" in D.validate_table(many, "text", "label").problems[0]
    blank = _frame(n_per_class=8)
    blank.loc[0, "text"] = "   "
    blank.loc[1, "label"] = "nan"
    w = D.validate_table(blank, "text", "label")
    assert w.ok and any("empty text" in x for x in w.warnings) and any("no label" in x for x in w.warnings)
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
