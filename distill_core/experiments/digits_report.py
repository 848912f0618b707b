"""The digits experiment's report: one row per (experiment, condition, seed), and its summaries.

Two experiments share the rows (``experiment`` column):

- ``"table"``: teacher, hard-label student and distilled students trained on every training image,
  the shape of Hinton et al.'s MNIST table (67 / 146 / 74 test errors);
- ``"omitted"``: the same students whose transfer set holds no image of one digit; recall of that
  digit's test images before and after the bias correction, and overall accuracy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

TABLE_METRICS = ["errors", "accuracy"]
OMITTED_METRICS = ["omitted_recall", "omitted_recall_corrected", "accuracy", "accuracy_corrected", "errors", "errors_corrected", "bias"]


@dataclass
class DigitsReport:
    spec: dict
    test_size: int  # test images (the same split for every seed)
    omitted_test: int  # test images of the omitted digit
    omitted_share: float  # the omitted digit's share of the teacher's training images (the bias target)
    rows: list[dict]  # one per (experiment, condition, seed)
    seconds: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "DigitsReport":
        return cls(**d)

    def _summary(self, experiment: str, metrics: list[str]) -> pd.DataFrame:
        df = pd.DataFrame([r for r in self.rows if r["experiment"] == experiment])
        if df.empty:
            return df
        df["temperature"] = df["temperature"].astype(float)  # None (teacher, hard labels) becomes NaN
        grouped = df.groupby("condition", sort=False)
        out = grouped[metrics].agg(["mean", "std"])
        out.columns = [m if stat == "mean" else f"{m}_std" for m, stat in out.columns]
        out = out.fillna({f"{m}_std": 0.0 for m in metrics})  # one seed: no spread to show
        out.insert(0, "temperature", grouped["temperature"].first())
        out["seeds"] = grouped.size()
        return out.reset_index()

    def table(self) -> pd.DataFrame:
        """Teacher / hard labels / soft targets at each T on every digit: errors and accuracy, mean and std over seeds."""
        return self._summary("table", TABLE_METRICS)

    def omitted(self) -> pd.DataFrame:
        """Hard labels / soft targets at each T without the omitted digit: recall of it, before and after the bias correction."""
        return self._summary("omitted", OMITTED_METRICS)

    def json_rows(self) -> list[dict]:
        """The CLI's rows: one per condition of the omitted-class experiment, fractions, mean and std over seeds."""
        s = self.omitted()
        rows = []
        for rec in s.to_dict("records"):
            t = rec["temperature"]
            rows.append({k: (None if k == "temperature" and t != t else v) for k, v in rec.items()} | {"omitted_digit": self.spec["omit"]})
        return rows

    def table_verdict(self) -> str:
        """Did the best distilled student make fewer test errors than the hard-label one, beyond the seed spread?"""
        s = self.table().set_index("condition")
        soft = s[s.index.str.startswith("soft")]
        if "hard" not in s.index or soft.empty:
            return ""
        best = soft["errors"].idxmin()
        gap = s.loc["hard", "errors"] - soft.loc[best, "errors"]
        noise = max(s.loc["hard", "errors_std"], soft.loc[best, "errors_std"], 1.0)
        t = best.split("=")[1]
        if gap > noise:
            return f"Soft targets helped: at T = {t} the distilled student made {gap:.1f} fewer errors than on hard labels, more than the seed spread (±{noise:.1f})."
        if gap < -noise:
            return (f"Soft targets did not help here: even at its best T ({t}) the distilled student made {-gap:.1f} more errors "
                    f"than the same student on hard labels, beyond the seed spread (±{noise:.1f}).")
        return f"Soft targets made no clear difference: the best distilled student (T = {t}) is within the seed spread (±{noise:.1f} errors) of hard labels."

    def reading(self) -> list[str]:
        """Plain sentences for the page and the CLI: what the runs show, with the seed spread."""
        lines = []
        table = self.table().set_index("condition")
        if {"teacher", "hard"} <= set(table.index):
            soft = table[table.index.str.startswith("soft")]
            best = soft["errors"].idxmin()
            lines.append(
                f"Every digit seen ({self.test_size} test images): teacher {table.loc['teacher', 'errors']:.1f} errors, "
                f"hard-label student {table.loc['hard', 'errors']:.1f} ± {table.loc['hard', 'errors_std']:.1f}, "
                f"distilled student at its best T ({best.split('=')[1]}) {soft.loc[best, 'errors']:.1f} ± {soft.loc[best, 'errors_std']:.1f}."
            )
        om = self.omitted().set_index("condition")
        soft = om[om.index.str.startswith("soft")]
        if len(soft):
            best = soft["omitted_recall"].idxmax()
            fixed = soft["omitted_recall_corrected"].idxmax()
            lines.append(
                f"Digit {self.spec['omit']} never seen ({self.omitted_test} test images): hard labels recognise "
                f"{100 * om.loc['hard', 'omitted_recall']:.0f}% of them; soft targets at their best T ({best.split('=')[1]}) "
                f"{100 * soft.loc[best, 'omitted_recall']:.1f} ± {100 * soft.loc[best, 'omitted_recall_std']:.1f}% before the bias "
                f"correction, and at T = {fixed.split('=')[1]} {100 * soft.loc[fixed, 'omitted_recall_corrected']:.1f} ± "
                f"{100 * soft.loc[fixed, 'omitted_recall_corrected_std']:.1f}% after it."
            )
        return lines


def error_rows(report: DigitsReport) -> pd.DataFrame:
    """The MNIST table's shape for display: errors as counts and % of the test images, mean ± std."""
    s = report.table()
    n = report.test_size
    return pd.DataFrame({
        "model": s["condition"],
        "test errors": [f"{m:.1f} ± {sd:.1f}" for m, sd in zip(s["errors"], s["errors_std"])],
        "test error %": [f"{100 * m / n:.2f} ± {100 * sd / n:.2f}" for m, sd in zip(s["errors"], s["errors_std"])],
        "seeds": s["seeds"],
    })

