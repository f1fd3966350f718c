"""The common shape of a benchmark figure, shared by every bench and bench/run_all.py.

A bench may write `"figures": [figure(...), ...]` into its bench/results/<name>.json;
run_all.py then needs no adapter for it. Each figure is measured beside its baseline
from the same run (nginx, a bare python-socketio server, one process…), and the ratio
says how far the app is from it (value / baseline value).
"""

from __future__ import annotations


def figure(key: str, label: str, unit: str, value: float | None, baseline: str = "",
           baseline_value: float | None = None) -> dict:
    ratio = (value / baseline_value) if value is not None and baseline_value else None
    return {"figure": key, "label": label, "unit": unit, "value": value,
            "baseline": baseline, "baseline_value": baseline_value, "ratio": ratio}
