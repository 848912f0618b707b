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
