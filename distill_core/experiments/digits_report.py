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

TABLE_METRICS = ["errors", "accuracy", "val_errors"]
OMITTED_METRICS = ["omitted_recall", "omitted_recall_corrected", "accuracy", "accuracy_corrected", "errors", "errors_corrected", "bias"]


def _errors(gain: float) -> str:
    """Hard-label minus distilled test errors, in words: "0.6 fewer errors", "2.0 more errors"."""
    return f"{abs(gain):.1f} {'fewer' if gain >= 0 else 'more'} errors"


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
        metrics = [m for m in metrics if m in df]  # val_errors: only in reports made since the table got its own preset
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

    def table_records(self) -> list[dict]:
        """``table()`` as JSON-ready rows: a missing std (one seed) is null, not NaN."""
        return [{k: None if v != v else v for k, v in r.items()} for r in self.table().to_dict("records")]

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

    def table_gain(self, temperature: float) -> dict | None:
        """Hard-label minus distilled test errors at ``temperature``, judged by the one spread rule (base.py) on
        error rates: {"gain", "spread", "verdict"} (gain and spread in images; verdict +1 / 0 / -1), or None."""
        from .base import against_spread, spread

        s = self.table().set_index("condition")
        soft = f"soft T={temperature:g}"
        if not {"hard", soft} <= set(s.index):
            return None
        n = self.test_size
        gain = s.loc["hard", "errors"] - s.loc[soft, "errors"]
        stds = (s.loc["hard", "errors_std"] / n, s.loc[soft, "errors_std"] / n)
        return {"gain": float(gain), "spread": n * spread(*stds), "verdict": against_spread(gain / n, *stds)}

    def table_verdict(self, temperature: float | None = None) -> str:
        """At ``temperature`` (default: the highest, Hinton's choice): fewer test errors than hard labels, beyond the seed spread?"""
        temps = sorted(float(t) for t in self.table()["temperature"].dropna())
        t = temperature if temperature is not None else (temps[-1] if temps else None)
        g = None if t is None else self.table_gain(t)
        if g is None:
            return ""
        gain, noise = g["gain"], g["spread"]
        if self._one_seed():
            return f"At T = {t:g} the distilled student made {_errors(gain)} than on hard labels: one seed, so no seed spread to judge that by."
        if g["verdict"] > 0:
            return f"Soft targets helped: at T = {t:g} the distilled student made {gain:.1f} fewer errors than on hard labels, more than the seed spread (±{noise:.1f})."
        if g["verdict"] < 0:
            return (f"Soft targets did not help here: at T = {t:g} the distilled student made {-gain:.1f} more errors "
                    f"than the same student on hard labels, beyond the seed spread (±{noise:.1f}).")
        return (f"Soft targets made no clear difference: at T = {t:g} the distilled student made {_errors(gain)} than on hard "
                f"labels, within the seed spread (±{noise:.1f} errors).")

    def _one_seed(self) -> bool:
        return self.table()["seeds"].min() < 2

    def other_temperatures_line(self, shown: float) -> str:
        """The table's other temperatures in one line (the page's bold verdict is for ``shown``):
        "At the other temperatures: T = 4, 0.6 fewer errors (within the seed spread, ±3.6); T = 20, ..."."""
        words = {1: "beyond the seed spread", -1: "beyond the seed spread", 0: "within the seed spread"}
        temps = [t for t in sorted(float(v) for v in self.table()["temperature"].dropna()) if t != shown]
        gains = [(t, g) for t in temps if (g := self.table_gain(t)) is not None]
        if not gains:
            return ""
        one_seed = self._one_seed()
        say = lambda t, g: (f"T = {t:g}, {_errors(g['gain'])}"
                            + ("" if one_seed else f" ({words[g['verdict']]}, ±{g['spread']:.1f})"))
        return "At the other temperatures: " + "; ".join(say(t, g) for t, g in gains) + ("; one seed, so no spread to judge by." if one_seed else ".")

    def reading(self, parts: tuple[str, ...] = ("table", "omitted")) -> list[str]:
        """Plain sentences for the page and the CLI: what the runs show, with the seed spread."""
        lines = []
        table = self.table() if "table" in parts else pd.DataFrame()
        table = table.set_index("condition") if len(table) else table
        if {"teacher", "hard"} <= set(table.index):
            soft = table[table.index.str.startswith("soft")]
            each = ", ".join(f"T = {c.split('=')[1]} {r['errors']:.1f} ± {r['errors_std']:.1f}" for c, r in soft.iterrows())
            lines.append(
                f"Every digit seen ({self.test_size} test images): teacher {table.loc['teacher', 'errors']:.1f} errors, "
                f"hard-label student {table.loc['hard', 'errors']:.1f} ± {table.loc['hard', 'errors_std']:.1f}, "
                f"distilled student {each}."
            )
        om = self.omitted() if "omitted" in parts else pd.DataFrame()
        om = om.set_index("condition") if len(om) else om
        soft = om[om.index.str.startswith("soft")] if len(om) else om
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
