"""``python -m distill_core check-data FILE``: what the live page would say about a file, before a workshop.

Exit status: 0 the file can be used, 1 it has problems (listed), 2 it cannot be read at all (one ``error:`` line).
"""

from __future__ import annotations

from .experiments.specs import DistillSpec

EPILOG = ("Rows whose label is empty are unlabelled: they become the transfer set that the teacher labels, and only the "
          "labelled rows are split into train / validation / test. Exit status: 0 usable, 1 problems found, "
          "2 the file cannot be read.")


def add_check_data_parser(sub) -> None:
    c = sub.add_parser("check-data", help="check a CSV/TSV as the live page would: encoding, delimiter, rows, classes, problems",
                       description="Check a CSV/TSV file as the live page would.", epilog=EPILOG)
    c.add_argument("file", help="the CSV / TSV file (UTF-8, UTF-16 with a byte-order mark, or Windows-1252)")
    c.add_argument("--text-col", default=DistillSpec.default("text_col"), help="text column (default: %(default)s)")
    c.add_argument("--label-col", default=DistillSpec.default("label_col"), help="label column (default: %(default)s)")
    c.add_argument("--transfer-file", help="a second file of unlabelled text (its text column named like --text-col, "
                                            "or its only column), added to the transfer set")


def cmd_check_data(args) -> int:
    from .uploads import check_file

    check = check_file(args.file, args.text_col, args.label_col, args.transfer_file)
    for line in check.lines():
        print(line)
    print("ok: the file can be used" if check.ok else f"not usable: {len(check.problems)} problem(s)")
    return 0 if check.ok else 1
