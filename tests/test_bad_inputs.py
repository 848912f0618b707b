"""Every broken upload gets one clear line from the CLI and a non-zero exit, never a traceback."""

from __future__ import annotations

import pytest

from distill_core.__main__ import main
from tests.bad_files import BAD_FILES, GOOD_ROWS, write_bad_file


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_cli_refuses_bad_files_in_one_line(name, tmp_path, capsys, lab_home, tiny_model):
    path = write_bad_file(tmp_path, name)
    code = main(["distill", "--data", str(path), "--teacher", tiny_model, "--no-store"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: ") and "Traceback" not in err[0]
    assert BAD_FILES[name][2] in err[0], err[0]


def test_million_character_text_is_truncated_and_said_so(tmp_path, capsys, lab_home, tiny_model):
    path = tmp_path / "long.csv"
    path.write_text("text,label\n" + "\n".join(GOOD_ROWS) + "\n" + "word " * 200_000 + ",pos\n", encoding="utf-8")
    code = main(["distill", "--data", str(path), "--teacher", tiny_model, "--teacher-epochs", "1", "--epochs", "1", "--seeds", "1", "--no-latency", "--no-store"])
    out = capsys.readouterr().out
    assert code == 0
    assert "note: 1 text(s) longer than 2,000 characters are truncated" in out


@pytest.mark.parametrize("name", [n for n in BAD_FILES if n != "a 50 MB file"])
def test_check_data_says_the_same_without_a_traceback(name, tmp_path, capsys):
    """check-data: 2 and one error line for a file it cannot read, 1 and the problem listed for one it can."""
    code = main(["check-data", str(write_bad_file(tmp_path, name))])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if code == 2:
        assert out == "" and len(err.strip().splitlines()) == 1 and err.startswith("error: ")
        assert BAD_FILES[name][2] in err, err
    else:
        assert code == 1 and err == ""
        problems = [line for line in out.splitlines() if line.startswith("problem: ")]
        assert problems and BAD_FILES[name][2] in " ".join(problems), out
        assert out.splitlines()[-1].startswith("not usable:")


def test_a_bad_transfer_file_gets_one_line(tmp_path, capsys, lab_home, tiny_model):
    data = tmp_path / "ok.csv"
    data.write_text("text,label\n" + "\n".join(GOOD_ROWS) + "\n", encoding="utf-8")
    cases = [("two.csv", b"body,other\nx,y\n", "name its text column 'text'"), ("bom.txt", b"\xef\xbb\xbf", "is empty")]
    for filename, raw, words in cases:
        (tmp_path / filename).write_bytes(raw)
        code = main(["distill", "--data", str(data), "--transfer-file", str(tmp_path / filename), "--teacher", tiny_model, "--no-store"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and words in err[0], err
    code = main(["distill", "--task", "sentiment", "--transfer-file", str(data), "--teacher", tiny_model, "--no-store"])
    assert code == 2 and "goes with a data file" in capsys.readouterr().err
