"""Broken uploads, written on the fly: each with the words its message must contain.

(A Windows-1252 file is not broken any more: it is read, and the check says which encoding was used.)"""

from __future__ import annotations

from pathlib import Path

GOOD_ROWS = [f"review number {i} was {'great' if i % 2 else 'awful'},{'pos' if i % 2 else 'neg'}" for i in range(40)]


def _csv(rows: list[str], header: str = "text,label") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


# name -> (file name, bytes, words the message must contain)
BAD_FILES: dict[str, tuple[str, bytes, str]] = {
    "empty file": ("empty.csv", b"", "is empty"),
    "header only": ("header.csv", b"text,label\n", "no rows"),
    "misnamed columns": ("cols.csv", _csv(GOOD_ROWS, header="body,stars"), "not found"),
    "one class only": ("one.csv", _csv([f"text {i},pos" for i in range(30)]), "at least 2"),
    "a class with a single row": ("single.csv", _csv(GOOD_ROWS + ["lonely row,meh"]), "fewer than 5 labelled rows"),
    "hundreds of classes": ("many.csv", _csv([f"text {i},class{i}" for i in range(300)]), "300 classes"),
    "only empty texts": ("blank.csv", _csv([f"   ,{'pos' if i % 2 else 'neg'}" for i in range(20)]), "every text is empty"),
    "NaN labels everywhere": ("nan.csv", _csv([f"text {i},NaN" for i in range(20)]), "0 class(es)"),
    "UTF-16 without a byte-order mark": ("u16.csv", "text,label\nhello,pos\n".encode("utf-16-le"), "byte-order mark"),
    "a UTF-8 byte-order mark alone": ("bom.csv", b"\xef\xbb\xbf", "is empty"),
    "a 200,000-column header": ("wide.csv", b"a," * 200_000 + b"\n" + b"1,2\n" * 10, "the limit is 1,000"),
    "a header naming the text column twice": ("twice.csv", _csv([r.replace(",", ",x,") for r in GOOD_ROWS], header="text, text,label"),
                                              "2 columns are named 'text'"),
    "a row wider than the header": ("wide_row.csv", _csv(GOOD_ROWS + ["an unquoted text, with a comma,pos"]), "3 comma-separated fields, more than the header's 2"),
    "every label empty": ("nolabels.csv", _csv([f"text {i}," for i in range(30)]), "0 class(es)"),
    "a binary file renamed .csv": ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    "a 50 MB file": ("big.csv", b"text,label\n" + (b"x" * 99 + b",pos\n") * 500_000, "limit is 20 MB"),
}


def write_bad_file(folder: Path, name: str) -> Path:
    filename, raw, _ = BAD_FILES[name]
    path = folder / filename
    path.write_bytes(raw)
    return path
