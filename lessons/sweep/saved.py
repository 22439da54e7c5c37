"""A sweep as a CSV file and back: what the Hyperparameters page downloads, and re-opens when it is uploaded.

What it does: to_csv writes one line per run (the corpus, the swept setting and value(s), the seed, every number
the run measured, every other setting as setting_<name>, the strategy); from_csv reads such a file back into a
SavedSweep (the plan, the corpus's name, the rows, the quality measures it holds), checking it line by line and
raising SavedSweepError (a code, the line and the column) for a file that is not one of ours or is damaged.
What it does not do: train or score (the rows are the numbers the file holds), or draw anything.

    >>> from lessons.sweep.plan import SweepPlan
    >>> plan = SweepPlan.make("window", [1, 2], [1], {"epochs": 3})
    >>> rows = [{"index": r.index, "value": r.value, "colour": None, "seed": 1, "status": "ok", "error": "",
    ...          "groups": 0.5 + r.index / 10} for r in plan.runs()]
    >>> back = from_csv(to_csv(rows, plan, "tiny"))
    >>> back.plan == plan, back.corpus_label, [r["groups"] for r in back.rows], back.measures
    (True, 'tiny', [0.5, 0.6], ('groups',))
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from engine.config import SETTINGS
from lessons.sweep.plan import (RANDOM, STRATEGIES, SWEEPABLE, SweepInputError, SweepPlan, parse_values, setting_of,
                                values_text)
from lessons.sweep.scores import METRICS

MAX_BYTES = 2_000_000        # a sweep has at most MAX_RUNS lines: a larger file is not one of ours


LABELS = ("corpus", "swept", "value", "colour_setting", "colour_value", "seed")   # the columns that place a run


TEXT_COLUMNS = ("status", "error", "strategy")


def to_csv(rows: Sequence[dict], plan: SweepPlan, corpus_label: str) -> bytes:
    """The sweep as CSV (UTF-8): one line per run in plan order, every number it measured (per-item scores left
    out), the corpus and every setting the runs shared."""
    base = plan.base_settings
    lines = []
    for r in sorted(rows, key=lambda r: r["index"]):
        line = {"corpus": corpus_label, "swept": plan.setting, "value": r["value"],
                "colour_setting": plan.colour_setting or "", "colour_value": "" if r["colour"] is None else r["colour"],
                "seed": r["seed"]}
        line.update({k: v for k, v in r.items()
                     if k not in ("index", "value", "colour", "seed") and not k.endswith("_items")})
        if plan.is_random:                       # the trial's settings, and the values the search drew from
            line.update({f"trial_{k}": v for k, v in plan.trial(r["value"]).items()})
            line.update({f"space_{k}": values_text(v) for k, v in plan.space})
        line.update({f"setting_{k}": v for k, v in base.items()
                     if k not in (plan.setting, plan.colour_setting, *plan.searched)})
        line["strategy"] = plan.strategy
        lines.append(line)
    columns = list(dict.fromkeys(k for line in lines for k in line))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns, lineterminator="\n")
    writer.writeheader()
    for line in lines:
        writer.writerow({k: _cell(line.get(k)) for k in columns})
    return buf.getvalue().encode("utf-8")


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return repr(v) if isinstance(v, float) else str(v)


@dataclass(frozen=True)
class SavedSweep:
    """A sweep read back from its CSV: the plan its runs came from, the corpus's name, the rows (as the sweep
    made them: index, value, colour, seed, status, error and the numbers), the quality measures with a number."""
    plan: SweepPlan
    corpus_label: str
    rows: Tuple[dict, ...]
    measures: Tuple[str, ...]


class SavedSweepError(ValueError):
    """A file that is not a sweep's CSV, or a damaged one. code: not_text, not_csv, too_large, empty, not_ours,
    mixed, bad_setting, bad_value, bad_number, duplicate, plan (extra["detail"]: the plan's own message);
    line: the file's line (2 = the first run), column: the column concerned."""

    def __init__(self, code: str, message: str, line: Optional[int] = None, column: str = "", **extra):
        super().__init__(message)
        self.code, self.line, self.column, self.extra = code, line, column, extra


def from_csv(data: bytes) -> SavedSweep:
    """Read a CSV that to_csv wrote (SavedSweepError naming the problem otherwise; nothing half-read is returned)."""
    if len(data) > MAX_BYTES:
        raise SavedSweepError("too_large", f"the file has {len(data):,} bytes; a sweep's CSV has at most "
                              f"{MAX_BYTES:,}", size=len(data), limit=MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SavedSweepError("not_text", f"the file is not UTF-8 text (byte {e.start})") from None
    try:
        table = list(csv.DictReader(io.StringIO(text), strict=True))
    except csv.Error as e:
        raise SavedSweepError("not_csv", f"the file is not CSV: {e}") from None
    if not table:
        raise SavedSweepError("empty", "the file holds no run")
    header = list(table[0])
    missing = [c for c in LABELS + ("status",) if c not in header]
    if missing:
        raise SavedSweepError("not_ours", f"the file is not a sweep's CSV: no column {', '.join(missing)}",
                              column=", ".join(missing))
    for i, line in enumerate(table, 2):
        if None in line or any(v is None for v in line.values()):
            raise SavedSweepError("not_csv", f"line {i} does not have as many cells as the header", line=i)
    for column in ("corpus", "swept", "colour_setting", "strategy"):
        seen = {line.get(column) for line in table}
        if len(seen) > 1:
            raise SavedSweepError("mixed", f"column {column} differs between lines ({', '.join(map(str, seen))}): "
                                  "one file holds one sweep", column=column)
    first = table[0]
    setting, colour_setting = first["swept"], first["colour_setting"] or None
    for column, name in (("swept", setting), ("colour_setting", colour_setting)):
        if name is not None and name not in SWEEPABLE and not (column == "swept" and name == RANDOM):
            raise SavedSweepError("bad_setting", f"{column} = {name!r} is not a setting a sweep can vary",
                                  line=2, column=column, item=name)
    strategy = first.get("strategy") or STRATEGIES[0]
    if strategy not in STRATEGIES:
        raise SavedSweepError("bad_value", f"strategy = {strategy!r} is not one of {', '.join(STRATEGIES)}",
                              line=2, column="strategy", item=strategy)
    base = {}
    for column in header:
        if not column.startswith("setting_"):
            continue
        name = column[len("setting_"):]
        if name not in SETTINGS:
            raise SavedSweepError("bad_setting", f"{column}: {name!r} is not a setting", line=2, column=column,
                                  item=name)
        values = {line[column] for line in table}
        if len(values) > 1:
            raise SavedSweepError("mixed", f"column {column} differs between lines: the runs of one sweep share "
                                  "every other setting", column=column)
        base[name] = _parse(name, first[column], 2, column)
    searched = [c[len("trial_"):] for c in header if c.startswith("trial_")] if setting == RANDOM else []
    rows: List[dict] = []
    for i, line in enumerate(table, 2):
        row: Dict[str, Any] = {"value": _parse("seed", line["value"], i, "value") if setting == RANDOM
                               else _parse(setting, line["value"], i, "value"),
                               "colour": _parse(colour_setting, line["colour_value"], i, "colour_value")
                               if colour_setting else None,
                               "seed": _parse("seed", line["seed"], i, "seed"),
                               "status": line["status"] or "ok", "error": line.get("error") or ""}
        if row["status"] not in ("ok", "error", "blown"):
            raise SavedSweepError("bad_value", f"line {i}: status = {row['status']!r} is not ok, error or blown",
                                  line=i, column="status", item=row["status"])
        for column in header:
            if column in LABELS or column in TEXT_COLUMNS or column.startswith(("setting_", "trial_", "space_")):
                continue
            row[column] = _number(line[column], i, column)
        rows.append(row)
    colour_values = list(dict.fromkeys(r["colour"] for r in rows)) if colour_setting else ()
    try:
        if setting == RANDOM:
            plan = _random_plan(table, rows, searched, base, strategy)
        else:
            plan = SweepPlan.make(setting, list(dict.fromkeys(r["value"] for r in rows)),
                                  sorted({r["seed"] for r in rows}), base, colour_setting, colour_values, strategy)
    except SweepInputError as e:
        raise SavedSweepError("plan", f"the runs do not make a sweep the page can run: {e}", detail=str(e)) from None
    places = {(run.value, run.colour, run.seed): run.index for run in plan.runs()}
    taken = set()
    for i, row in enumerate(rows, 2):
        key = (row["value"], row["colour"], row["seed"])
        if key in taken:
            raise SavedSweepError("duplicate", f"line {i} repeats the run {setting} = {row['value']}, seed "
                                  f"{row['seed']}", line=i)
        taken.add(key)
        row["index"] = places[key]
    measures = tuple(m for m, spec in METRICS.items() if spec.quality
                     and any(isinstance(r.get(m), float) and math.isfinite(r[m]) for r in rows))
    return SavedSweep(plan, first["corpus"], tuple(sorted(rows, key=lambda r: r["index"])), measures)


def _random_plan(table: List[dict], rows: List[dict], searched: List[str], base: dict, strategy: str) -> SweepPlan:
    """The plan of a random search's CSV: each trial's settings (the same on every line of the trial, trials
    numbered 1..N) and the values it drew from (space_<name>, the same on every line)."""
    for name in searched:
        if name not in SWEEPABLE:
            raise SavedSweepError("bad_setting", f"trial_{name}: {name!r} is not a setting a sweep can vary", line=2,
                                  column=f"trial_{name}", item=name)
        if f"space_{name}" not in table[0]:
            raise SavedSweepError("not_ours", f"the random search's file has no column space_{name}",
                                  column=f"space_{name}")
    trials: Dict[int, dict] = {}
    for i, (line, row) in enumerate(zip(table, rows), 2):
        trial = {name: _parse(name, line[f"trial_{name}"], i, f"trial_{name}") for name in searched}
        if trials.setdefault(row["value"], trial) != trial:
            raise SavedSweepError("mixed", f"line {i}: trial {row['value']} has other settings than on an earlier "
                                  "line", line=i, column="value")
    if sorted(trials) != list(range(1, len(trials) + 1)):
        raise SavedSweepError("plan", "the trials are not numbered 1..N", detail="trials not numbered 1..N")
    space = {}
    for name in searched:
        texts = {line[f"space_{name}"] for line in table}
        if len(texts) > 1:
            raise SavedSweepError("mixed", f"column space_{name} differs between lines", column=f"space_{name}")
        space[name] = parse_values(name, texts.pop())
    return SweepPlan.random(space, len(trials), sorted({r["seed"] for r in rows}), base, None, strategy,
                            trials=[trials[k] for k in sorted(trials)])


def _parse(name: str, text: str, line: int, column: str) -> Any:
    try:
        return setting_of(name).parse(text)
    except (TypeError, ValueError) as e:
        raise SavedSweepError("bad_value", f"line {line}, column {column}: {text!r} is not allowed ({e})",
                              line=line, column=column, item=text) from None


def _number(text: str, line: int, column: str) -> Any:
    """A measured number ('' -> nan); True / False for the cached flag."""
    if text in ("True", "False"):
        return text == "True"
    if text == "":
        return float("nan")
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        raise SavedSweepError("bad_number", f"line {line}, column {column}: {text!r} is not a number", line=line,
                              column=column, item=text) from None
