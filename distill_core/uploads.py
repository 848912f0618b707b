"""A user's table, as it arrives: bytes to text (which encoding), text to rows (which delimiter), the header
(absurd widths refused before pandas sees it, duplicate names told), what the rows hold (labelled rows,
unlabelled rows that become the transfer set, classes), and the upload kept on disk without a half-written copy.

The live page and ``python -m distill_core check-data`` say the same thing from ``TableCheck.lines()``.
Cells are never evaluated: a value such as ``=CMD(...)`` stays plain text.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import DistillError, first_line

# Kept equal to [server] maxUploadSize in .streamlit/config.toml: the engine checks it again.
MAX_FILE_MB = 20
MAX_TEXT_CHARS = 2000  # longer texts are cut (the model reads at most max_length tokens anyway)
MAX_CLASSES = 50
MIN_ROWS_PER_CLASS = 5
MAX_ROWS = 200_000
# pandas renames duplicate header names in quadratic time: a 400 KB header of "a," froze the server
MAX_COLUMNS = 1_000
# a label cell holding one of these is no label: the row is unlabelled and joins the transfer set
MISSING_LABELS = frozenset({"", "nan", "NaN", "None", "null", "NA", "N/A"})

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
ONE_COLUMN = "\x1f"  # the "delimiter" of a one-column file: a character no text holds, so commas stay in the text
ENCODINGS = {
    "utf-8": "UTF-8", "utf-8-sig": "UTF-8 with a byte-order mark", "utf-16": "UTF-16 with a byte-order mark",
    "utf-32": "UTF-32 with a byte-order mark", "cp1252": "Windows-1252", "latin-1": "Latin-1",
}
# longest first: the UTF-32 LE mark begins with the UTF-16 LE one
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SAMPLE_CHARS = 65_536


@dataclass
class Upload:
    """A parsed table of strings and how it was read."""

    frame: pd.DataFrame
    name: str
    encoding: str  # a Python codec name, a key of ENCODINGS
    delimiter: str  # a key of DELIMITERS, or ONE_COLUMN
    warnings: list[str] = field(default_factory=list)  # said, and worked around (a fallback encoding)
    # header name -> how many columns carry it: renamed "name (2)"..., a problem when it is the text or label column
    duplicates: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """"UTF-16 with a byte-order mark, tab-separated"."""
        sep = "one column" if self.delimiter == ONE_COLUMN else f"{DELIMITERS[self.delimiter]}-separated"
        return f"{ENCODINGS[self.encoding]}, {sep}"


def decode(raw: bytes, name: str = "upload") -> tuple[str, str]:
    """(text, codec): a byte-order mark decides; else UTF-8, then Windows-1252, then Latin-1 (which always decodes)."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec).lstrip("\ufeff"), codec
            except UnicodeDecodeError as exc:
                raise DistillError(f"{name} starts with a {ENCODINGS[codec]} but is not {codec.upper()} text "
                                   f"(byte {exc.start}): save it as UTF-8 CSV and upload it again") from None
    if b"\x00" in raw[:_SAMPLE_CHARS]:
        raise DistillError(f"{name} looks like a binary file, not CSV/TSV text (UTF-16 text needs its byte-order mark: "
                           "save it as UTF-8 CSV)")
    for codec in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1"), "latin-1"


def _first_line(text: str) -> str:
    return re.match(r"[^\r\n]*", text).group(0)


def check_header_width(header: str, name: str = "upload") -> None:
    """Refuse a header of more than MAX_COLUMNS columns by any delimiter, before anything parses it."""
    for sep, word in DELIMITERS.items():
        n = header.count(sep) + 1
        if n > MAX_COLUMNS:
            raise DistillError(f"{name}'s first line has {n:,} {word}-separated columns; the limit is {MAX_COLUMNS:,} "
                               "(the first line must be a header such as text,label)")


def _widths(sample: str, sep: str) -> list[int]:
    try:
        return [len(row) for row in csv.reader(io.StringIO(sample), delimiter=sep) if row]
    except csv.Error:
        return []


def sniff_delimiter(text: str, name: str = "upload") -> str:
    """The delimiter that splits the header into 2+ columns and the most of the first rows into as many.

    Judged on the first 50 lines: a comma inside a semicolon-separated text changes the comma count from row to
    row, while the semicolons stay one per row. Ties go to the file's extension (.tsv: tab), then to the comma.
    ONE_COLUMN when no delimiter splits the header.
    """
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # a cut last line would count as a short row
    sample = "\n".join(re.split(r"\r\n|\r|\n", sample)[:50])  # not splitlines(): a text may hold U+2028 or NEL
    order = ["\t", ",", ";", "|"] if name.lower().endswith((".tsv", ".tab")) else [",", "\t", ";", "|"]
    best, best_score = ONE_COLUMN, None
    for rank, sep in enumerate(order):
        widths = _widths(sample, sep)
        if not widths or widths[0] < 2:
            continue
        rows = widths[1:] or widths
        score = (sum(w == widths[0] for w in rows) / len(rows), -rank)
        if best_score is None or score > best_score:
            best, best_score = sep, score
    return best


def _column_names(header: str, sep: str, parsed: list) -> tuple[list[str], dict[str, int]]:
    """(unique names, {name: count} of the duplicated ones): "text, text,label" reads as text / text (2) / label.

    From the header line itself: pandas has already renamed exact duplicates ("text.1"), and " text" only
    collides with "text" once stripped."""
    try:
        raw = next(csv.reader([header], delimiter=sep)) if sep != ONE_COLUMN else [header]
    except (csv.Error, StopIteration):
        raw = []
    if len(raw) != len(parsed):  # a header csv splits differently from pandas (a quoted newline): pandas' names
        raw = [str(c) for c in parsed]
    names, seen = [], {}
    for i, cell in enumerate(raw, start=1):
        base = cell.strip().strip("\ufeff") or f"column {i}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return names, {k: n for k, n in seen.items() if n > 1}


def _wide_row_error(name: str, sep: str, line: object, fields: object, header: object) -> DistillError:
    return DistillError(f"{name}: line {line} has {fields} {DELIMITERS.get(sep, 'comma')}-separated fields, more than the "
                        f"header's {header} (quote texts that contain the delimiter)")


def _first_wide_row(text: str, sep: str, width: int) -> tuple[int, int] | None:
    """(line number, fields) of the first row wider than ``width``."""
    try:
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        for row in reader:
            if len(row) > width:
                return reader.line_num, len(row)
    except csv.Error:
        return None
    return None


def _parse(text: str, sep: str, name: str) -> pd.DataFrame:
    """The rows as a frame of strings; a row wider than the header is an error, never a silent shift of columns."""
    kind = "TSV" if sep == "\t" else "CSV"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # index_col=False: without it, rows one field wider than the header turn the text column into the index
            return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL,
                               index_col=False)
    except pd.errors.ParserWarning:  # the first row is the wide one (pandas raises for the later ones itself)
        width = _widths(_first_line(text), sep)[0]
        line, fields = _first_wide_row(text, sep, width) or ("?", "more")
        raise _wide_row_error(name, sep, line, fields, width) from None
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        wide = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if wide:
            n, line, m = wide.groups()
            raise _wide_row_error(name, sep, line, m, n) from None
        raise DistillError(f"{name} cannot be parsed as {kind}: {first_line(exc)}") from None


def _raw_bytes(source: bytes | str | Path, name: str | None, max_mb: float) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise DistillError(f"no such file: {path}")
        if path.stat().st_size > max_mb * 1e6:
            raise DistillError(f"{name} is {path.stat().st_size / 1e6:.1f} MB; the limit is {max_mb:g} MB")
        return path.read_bytes(), name
    raw, name = bytes(source), name or "upload"
    if len(raw) > max_mb * 1e6:
        raise DistillError(f"{name} is {len(raw) / 1e6:.1f} MB; the limit is {max_mb:g} MB")
    return raw, name


def read_upload(source: bytes | str | Path, filename: str | None = None, max_mb: float = MAX_FILE_MB) -> Upload:
    """Read a CSV / TSV / text export (bytes or a path) into an Upload; a DistillError says why not."""
    raw, name = _raw_bytes(source, filename, max_mb)
    if not raw.strip():
        raise DistillError(f"{name} is empty")
    text, encoding = decode(raw, name)
    if not text.strip():
        raise DistillError(f"{name} is empty (it holds only a byte-order mark)")
    header = _first_line(text.lstrip("\r\n"))  # pandas skips blank lines before the header too
    check_header_width(header, name)
    sep = sniff_delimiter(text, name)
    df = _parse(text, sep, name)
    if df.empty:
        raise DistillError(f"{name} has a header but no rows")
    if len(df) > MAX_ROWS:
        raise DistillError(f"{name} has {len(df):,} rows; the limit is {MAX_ROWS:,}")
    names, duplicates = _column_names(header, sep, list(df.columns))
    df.columns = names
    notes = []
    if encoding in ("cp1252", "latin-1"):
        notes.append(f"{name} is not UTF-8: read as {ENCODINGS[encoding]}; check that accented letters look right")
    return Upload(df, name, encoding, sep, notes, duplicates)


def read_table(source: bytes | str | Path, filename: str | None = None, max_mb: float = MAX_FILE_MB) -> pd.DataFrame:
    """The table alone (see read_upload)."""
    return read_upload(source, filename, max_mb).frame


def label_missing(labels: pd.Series) -> pd.Series:
    """True where a label cell is empty: those rows are unlabelled."""
    return labels.astype(str).str.strip().isin(MISSING_LABELS)


def transfer_texts(upload: Upload, text_col: str) -> list[str]:
    """The texts of a second, unlabelled file: its column named like the main file's text column, or its only one."""
    cols = list(upload.frame.columns)
    col = text_col if text_col in cols else cols[0] if len(cols) == 1 else None
    if col is None:
        raise DistillError(f"{upload.name} has columns {', '.join(repr(c) for c in cols)}: name its text column "
                           f"'{text_col}' as in the labelled file, or keep one column only")
    texts = upload.frame[col].astype(str)
    return texts[texts.str.strip() != ""].tolist()


# ---------------------------------------------------------------- what the rows hold


@dataclass
class TableCheck:
    """What ``validate_table`` found: problems stop the run, warnings are said and worked around."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None  # a key of ENCODINGS (None: a frame that did not come from a file)
    delimiter: str | None = None  # a key of DELIMITERS, or ONE_COLUMN
    source: str = ""  # "news.csv: UTF-8, comma-separated"
    labelled: int = 0  # rows with a text and a label: the only rows split into train / validation / test
    unlabelled: int = 0  # rows with a text and an empty label: the transfer set
    transfer_file: int = 0  # texts from a second, unlabelled file: the transfer set too
    classes: dict[str, int] = field(default_factory=dict)  # label -> labelled rows, largest first

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> str:
        """"100 labelled rows, 600 unlabelled rows used as the transfer set"."""
        extra = self.unlabelled + self.transfer_file
        line = f"{self.labelled:,} labelled rows, {extra:,} unlabelled rows used as the transfer set"
        if self.transfer_file:
            line += f" ({self.unlabelled:,} in the file, {self.transfer_file:,} from the second file)"
        return line

    def lines(self) -> list[str]:
        """What the page and ``check-data`` say, one line each."""
        out = [f"file: {self.source}"] if self.source else []
        out.append(f"rows: {self.counts()}")
        if self.classes:
            out.append(f"classes ({len(self.classes)}): " + ", ".join(f"{k} {v}" for k, v in self.classes.items()))
        out += [f"warning: {w}" for w in self.warnings] + [f"problem: {p}" for p in self.problems]
        return out


def validate_table(df: pd.DataFrame, text_col: str, label_col: str, min_per_class: int = MIN_ROWS_PER_CLASS,
                   upload: Upload | None = None, transfer: list[str] | None = None) -> TableCheck:
    """Every problem at once, each a sentence a user can act on. Classes are counted on labelled rows only:
    a row with an empty label is an unlabelled row for the transfer set, as are the ``transfer`` texts."""
    check = TableCheck(transfer_file=len(transfer or []))
    if upload is not None:
        check.encoding, check.delimiter, check.source = upload.encoding, upload.delimiter, f"{upload.name}: {upload.describe()}"
        check.warnings += upload.warnings
    missing = [c for c in (text_col, label_col) if c not in df.columns]
    if missing:
        cols = ", ".join(f"'{c}'" for c in df.columns)
        check.problems.append(f"column(s) {', '.join(repr(c) for c in missing)} not found; the file has {cols}")
        return check
    if text_col == label_col:
        check.problems.append("the text and label columns must differ")
        return check
    for name, n in (upload.duplicates if upload is not None else {}).items():
        read_as = ", ".join(f"'{c}'" for c in df.columns if c == name or c.startswith(f"{name} ("))
        if name in (text_col, label_col):
            check.problems.append(f"{n} columns are named '{name}' (read as {read_as}): rename them in the file, "
                                  "so it is clear which one is meant")
        else:
            check.warnings.append(f"column name '{name}' appears {n} times; the columns are read as {read_as}")
    texts = df[text_col].astype(str)
    labels = df[label_col].astype(str).str.strip()
    empty_text, unlabelled = texts.str.strip() == "", label_missing(labels)
    if empty_text.all():
        check.problems.append("every text is empty")
        return check
    if empty_text.any():
        check.warnings.append(f"{int(empty_text.sum())} row(s) with an empty text are skipped")
    keep = ~empty_text & ~unlabelled
    check.labelled, check.unlabelled = int(keep.sum()), int((~empty_text & unlabelled).sum())
    counts = labels[keep].value_counts()
    ranked = sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))
    check.classes = dict(ranked) if len(counts) <= MAX_CLASSES else {}
    _check_classes(check, counts, label_col, min_per_class)
    long = texts.str.len() > MAX_TEXT_CHARS
    if long.any():
        check.warnings.append(f"{int(long.sum())} text(s) longer than {MAX_TEXT_CHARS:,} characters are truncated")
    return check


def _check_classes(check: TableCheck, counts: pd.Series, label_col: str, min_per_class: int) -> None:
    if len(counts) < 2:
        check.problems.append(f"found {len(counts)} class(es) among {check.labelled:,} labelled row(s); "
                              "a classifier needs at least 2")
    elif len(counts) > MAX_CLASSES:
        check.problems.append(
            f"found {len(counts)} classes; the limit is {MAX_CLASSES} (is '{label_col}' really the label column?)"
        )
    else:
        small = counts[counts < min_per_class]
        if len(small):
            listed = ", ".join(f"'{k}' ({v})" for k, v in small.head(8).items())
            check.problems.append(
                f"{len(small)} class(es) have fewer than {min_per_class} labelled rows, too few to split and learn: {listed}"
            )


def check_file(path: str | Path, text_col: str, label_col: str, transfer_file: str | Path | None = None) -> TableCheck:
    """What the live page says about a file (and a second, unlabelled one); a DistillError when one can't be read."""
    upload = read_upload(path)
    transfer = None
    if transfer_file:
        second = read_upload(transfer_file)
        transfer = transfer_texts(second, text_col)
    check = validate_table(upload.frame, text_col, label_col, upload=upload, transfer=transfer)
    if transfer_file:
        check.warnings += [f"{second.name}: {w}" for w in second.warnings]
        check.source += f"; transfer file {second.name}: {second.describe()}, {len(transfer):,} texts"
    return check


# ---------------------------------------------------------------- keeping an upload


def upload_path(digest: str, filename: str, folder: Path | None = None) -> Path:
    """Where an upload lives on the server: named by its content's SHA-256 (``digest``), so the same file is kept once."""
    from .paths import uploads_dir

    suffix = Path(filename).suffix.lower()
    return (folder or uploads_dir()) / f"{digest[:16]}{suffix if suffix in ('.csv', '.tsv', '.txt') else '.csv'}"


def save_upload(raw: bytes, path: Path) -> Path:
    """Write the upload's bytes to ``path`` through a temporary file and a rename, so a crash or a full disk never leaves
    a truncated file under a name that says it is whole; a copy of another size there is replaced."""
    if path.exists() and path.stat().st_size == len(raw):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
