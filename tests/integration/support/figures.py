"""Figures the reliability and scale tests measure, kept for the docs (tests/output/figures.json) and
printed at the end of the run, so a run's numbers are never only in someone's terminal."""

from __future__ import annotations

import json
import threading
from pathlib import Path

FIGURES_FILE = Path(__file__).resolve().parents[2] / "output" / "figures.json"
_LOCK = threading.Lock()


def record(test: str, **figures) -> None:
    """Merge ``figures`` under ``test`` into tests/output/figures.json."""
    with _LOCK:
        FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
        known = json.loads(FIGURES_FILE.read_text()) if FIGURES_FILE.exists() else {}
        known.setdefault(test, {}).update(figures)
        FIGURES_FILE.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n")
    print(f"\nfigures {test}: {json.dumps(figures, sort_keys=True)}")
