"""The papers the app cites: year, venue, arXiv id (each checked against its arXiv entry), and how the pages name them.

Which pages cite a paper is found by reading the pages' own source at run time, so the list can't drift from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pages._ui.course_content import COURSE

PAGES_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Paper:
    authors: str
    year: int
    title: str
    venue: str
    arxiv: str  # checked against the paper's arXiv entry; "" when it could not be checked
    cited_as: str  # a regex for how the app's text names it


PAPERS = [
    Paper("Hinton, Vinyals & Dean", 2015, "Distilling the Knowledge in a Neural Network",
          "NIPS 2014 Deep Learning Workshop", "1503.02531", r"Hinton"),
    Paper("Romero, Ballas, Kahou, Chassang, Gatta & Bengio", 2015, "FitNets: Hints for Thin Deep Nets", "ICLR 2015",
          "1412.6550", r"Romero|FitNets"),
    Paper("Guo, Pleiss, Sun & Weinberger", 2017, "On Calibration of Modern Neural Networks", "ICML 2017", "1706.04599",
          r"Guo et al|\bECE\b"),
    Paper("Sanh, Debut, Chaumond & Wolf", 2019, "DistilBERT, a distilled version of BERT: smaller, faster, cheaper and lighter",
          "NeurIPS 2019 EMC² Workshop", "1910.01108", r"Sanh|DistilBERT"),
    Paper("Sun, Cheng, Gan & Liu", 2019, "Patient Knowledge Distillation for BERT Model Compression", "EMNLP-IJCNLP 2019",
          "1908.09355", r"Sun et al|\bPKD\b"),
    Paper("Tang, Lu, Liu, Mou, Vechtomova & Lin", 2019, "Distilling Task-Specific Knowledge from BERT into Simple Neural Networks",
          "arXiv preprint", "1903.12136", r"Tang et al|BiLSTM"),
    Paper("Kornblith, Norouzi, Lee & Hinton", 2019, "Similarity of Neural Network Representations Revisited", "ICML 2019",
          "1905.00414", r"Kornblith|\bCKA\b"),
    Paper("Cho & Hariharan", 2019, "On the Efficacy of Knowledge Distillation", "ICCV 2019", "1910.01348",
          r"Cho & Hariharan|Cho and Hariharan|capacity gap"),
    Paper("Jiao, Yin, Shang, Jiang, Chen, Li, Wang & Liu", 2020, "TinyBERT: Distilling BERT for Natural Language Understanding",
          "Findings of EMNLP 2020", "1909.10351", r"Jiao|TinyBERT"),
    Paper("Mirzadeh, Farajtabar, Li, Levine, Matsukawa & Ghasemzadeh", 2020,
          "Improved Knowledge Distillation via Teacher Assistant", "AAAI 2020", "1902.03393", r"Mirzadeh|teacher assistant"),
    Paper("Wang, Wei, Dong, Bao, Yang & Zhou", 2020,
          "MiniLM: Deep Self-Attention Distillation for Task-Agnostic Compression of Pre-Trained Transformers",
          "NeurIPS 2020", "2002.10957", r"Wang et al|MiniLM"),
    Paper("Beyer, Zhai, Royer, Markeeva, Anil & Kolesnikov", 2022, "Knowledge Distillation: A Good Teacher Is Patient and Consistent",
          "CVPR 2022", "2106.05237", r"Beyer"),
]


def page_sources() -> dict[str, str]:
    """Course page title -> the text of the page and its helper modules (pages/_ui/<stem>_*.py)."""
    out = {}
    for step in COURSE:
        files = [PAGES_DIR / f"{step.key}.py", *sorted((PAGES_DIR / "_ui").glob(f"{step.key}_*.py"))]
        if step.key == "glossary":
            files.append(PAGES_DIR / "_ui" / "glossary_terms.py")
        out[step.nav_title] = "\n".join(f.read_text(encoding="utf-8") for f in files if f.exists())
    return out


def cited_on(paper: Paper, sources: dict[str, str]) -> list[str]:
    return [title for title, text in sources.items() if title != "References" and re.search(paper.cited_as, text)]


def engine_citations(paper: Paper) -> list[str]:
    """The engine's modules (distill_core/...) whose text cites the paper: where a method is implemented."""
    root = PAGES_DIR.parent
    return [str(f.relative_to(root)) for f in sorted((root / "distill_core").rglob("*.py"))
            if re.search(paper.cited_as, f.read_text(encoding="utf-8"))]
