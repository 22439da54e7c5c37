"""The Hyperparameters page's figure: quality, final loss, training time and words/s against the swept value.

What it does: one Plotly figure of four panels (mean over seeds with ± 1 standard deviation as error bars,
one colour per value of a second setting), the word2vec.c / gensim defaults and the literature's
recommendation marked on each; the values, settings and measures named as the page writes them.
What it does not do: run or summarise the sweep (lessons/sweep/ does), or call Streamlit.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lessons.sweep import plan as sweep_plan
from lessons.sweep import scores as sweep_scores
from ui.charts.figures import presenter_style
from ui.i18n import current_language, t
from ui.settings import architecture_label, objective_label

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939")
REF_COLOURS = {"word2vec_c": "#6a3d9a", "gensim": "#b15928", "both": "#6a3d9a", "recommended": "#33a02c"}


def value_label(name: Optional[str], value: Any) -> str:
    """A value as the page writes it: 'skip-gram', 'negative sampling', 'on', '1e-05', '5'."""
    if name == "architecture":
        return architecture_label(value)
    if name == "objective":
        return objective_label(value)
    if name == "segmenter" and isinstance(value, str):
        return t(f"corpus.segmenter_{value}")
    if name == "cbow_update":
        return t(f"sidebar.cbow_update_{value}")
    if isinstance(value, bool):
        return t("sweep.on") if value else t("sweep.off")
    if value is None:
        return "—"
    return sweep_plan.format_value(value)


def trial_text(plan: sweep_plan.SweepPlan, k: int) -> str:
    """The settings trial k of a random search drew: 'window 5, vector_size 50, negative 10'."""
    return ", ".join(f"{name} {value_label(name, v)}" for name, v in plan.trial(k).items())


def values_label(name: str, values: Sequence[Any]) -> str:
    return ", ".join(value_label(name, v) for v in values)


def metric_label(key: str) -> str:
    return t(f"sweep.metric.{key}")


def coverage_text(rows: Sequence[dict], metric: str) -> str:
    cov = sweep_scores.coverage_range(rows, metric)
    if cov is None:
        return ""
    lo, hi = cov
    span = f"{lo:.0%}" if abs(hi - lo) < 0.005 else f"{lo:.0%}–{hi:.0%}"
    return t(f"sweep.coverage.{metric}", span=span)


def _is_log(plan: sweep_plan.SweepPlan) -> bool:
    spec = sweep_plan.SWEEPABLE[plan.setting]
    return spec.axis == "log" and all(isinstance(v, (int, float)) and v > 0 for v in plan.values)


def _is_category(plan: sweep_plan.SweepPlan) -> bool:
    spec = sweep_plan.SWEEPABLE[plan.setting]
    return spec.categorical or (spec.axis == "log" and not _is_log(plan))


def x_of(plan: sweep_plan.SweepPlan, value: Any):
    return value_label(plan.setting, value) if _is_category(plan) else value


def reference_marks(plan: sweep_plan.SweepPlan) -> List[Tuple[str, Any, Any]]:
    """[(kind, x0, x1)] of the reference values that fall inside the swept range: word2vec.c's and gensim's
    defaults (x1 None), the recommendation (a band when it is a range, and only where it leaves some swept
    values out: a band over the whole axis would say nothing)."""
    ref = sweep_plan.reference(plan.setting, plan.base_settings)
    marks = []
    if _is_category(plan):
        shown = set(plan.values)
        same = ref["word2vec_c"] == ref["gensim"]
        rec = ref["recommended"]
        if isinstance(rec, tuple):                  # a range on a category axis: the band over the values inside it
            inside = [v for v in plan.values if isinstance(v, (int, float)) and rec[0] <= v <= rec[1]]
            if inside and len(inside) < len(plan.values):      # a band over every value says nothing
                marks.append(("recommended", x_of(plan, inside[0]), x_of(plan, inside[-1])))
        for kind in ("word2vec_c", "recommended") if same else ("word2vec_c", "gensim", "recommended"):
            v = ref[kind]
            if v is not None and not isinstance(v, tuple) and v in shown:
                x = x_of(plan, v)
                kind_shown = "both" if same and kind == "word2vec_c" else kind
                marks.append((kind_shown, x, x if kind == "recommended" else None))
        return marks
    lo, hi = min(plan.values), max(plan.values)
    same = ref["word2vec_c"] == ref["gensim"]
    for kind in ("word2vec_c",) if same else ("word2vec_c", "gensim"):
        v = ref[kind]
        if isinstance(v, (int, float)) and not isinstance(v, bool) and lo <= v <= hi:
            marks.append(("both" if same else kind, v, None))
    r = ref["recommended"]
    if isinstance(r, tuple):
        a, b = max(lo, r[0]), min(hi, r[1])
        if a <= b and not (r[0] <= lo and hi <= r[1]):       # a band over the whole axis says nothing
            marks.append(("recommended", a, b))
    elif isinstance(r, (int, float)) and not isinstance(r, bool) and lo <= r <= hi:
        marks.append(("recommended", r, r))
    return marks


def _shape_x(plan: sweep_plan.SweepPlan, x, order: Sequence):
    """Where a shape (line, band) sits on the x axis: the position on a category axis, else the value (Plotly
    places shapes in data units, on a log axis too)."""
    if x is None:
        return None
    if _is_category(plan):
        return order.index(x)
    return x


def random_figure(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metric: Optional[str]) -> go.Figure:
    """A random search: the measure (quality, or the final loss without one) of each trial, mean ± 1 sd over seeds
    (top left; hover: the trial's settings), then the same trial means against each drawn setting's value (up to
    three panels: which settings the good trials had)."""
    key = metric or "final_loss"
    summary = {s["value"]: s for s in sweep_scores.summarize(rows, key) if s["n"]}
    trials = [k for k in plan.values if k in summary]
    shown = list(plan.searched[:3])
    cov = coverage_text(rows, key) if sweep_scores.METRICS[key].quality else ""
    titles = [metric_label(key) + (f"<br><sup>{cov}</sup>" if cov else "")]
    titles += [t("sweep.random_panel", name=name) for name in shown]
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles, horizontal_spacing=0.11, vertical_spacing=0.2)
    hover = [trial_text(plan, k) for k in trials]
    means = [summary[k]["mean"] for k in trials]
    stds = [summary[k]["std"] for k in trials]
    fig.add_trace(go.Scatter(
        x=[f"#{k}" for k in trials], y=means, mode="markers", name=t("sweep.trial"),
        error_y=dict(type="data", array=stds, visible=True, thickness=1.5, width=5),
        marker=dict(color=PALETTE[0], size=8), customdata=[[s, summary[k]["n"], h] for s, k, h in zip(stds, trials, hover)],
        hovertemplate=(f"%{{x}}: %{{customdata[2]}}<br>%{{y:.4g}} ± %{{customdata[0]:.2g}}"
                       f"<br>{t('sweep.hover_seeds')} %{{customdata[1]}}<extra></extra>")), row=1, col=1)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[f"#{k}" for k in plan.values],
                     title_text=t("sweep.trial"), title_standoff=4, row=1, col=1)
    for p, name in enumerate(shown, 1):
        r, c = p // 2 + 1, p % 2 + 1
        spec = sweep_plan.SWEEPABLE[name]
        xs = [plan.trial(k)[name] for k in trials]
        category = spec.categorical or not all(isinstance(x, (int, float)) and x > 0 for x in xs)
        fig.add_trace(go.Scatter(
            x=[value_label(name, x) for x in xs] if category else xs, y=means, mode="markers", name=name,
            error_y=dict(type="data", array=stds, visible=True, thickness=1, width=3),
            marker=dict(color=PALETTE[p % len(PALETTE)], size=8), text=[f"#{k}" for k in trials],
            customdata=[[s, h] for s, h in zip(stds, hover)],
            hovertemplate="%{text}: %{customdata[1]}<br>%{y:.4g} ± %{customdata[0]:.2g}<extra></extra>"),
            row=r, col=c)
        fig.update_xaxes(title_text=name, title_standoff=4, row=r, col=c,
                         **({"type": "category"} if category else {"type": "log"} if spec.axis == "log" else {}))
    fig.update_layout(height=560, margin=dict(l=10, r=10, t=60, b=10), hovermode="closest", showlegend=False)
    return fig


def figure(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metric: Optional[str]) -> go.Figure:
    """Quality, final loss, training time and words/s against the value: mean over seeds with ± 1 standard
    deviation as error bars, one colour per value of the second setting; reference values marked.
    (A random search: random_figure.)"""
    if plan.is_random:
        return random_figure(rows, plan, metric)
    panels = ([metric] if metric else []) + ["final_loss", "time", "words_per_sec"]
    titles = []
    for key in panels:
        cov = coverage_text(rows, key) if sweep_scores.METRICS[key].quality else ""
        titles.append(metric_label(key) + (f"<br><sup>{cov}</sup>" if cov else ""))
    if not metric:
        titles = [t("sweep.no_quality_title")] + titles
        panels = [None] + panels
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles, horizontal_spacing=0.11, vertical_spacing=0.2)
    colours = plan.colour_values or (None,)
    category = _is_category(plan)
    order = [x_of(plan, v) for v in plan.values]
    for p, key in enumerate(panels):
        r, c = p // 2 + 1, p % 2 + 1
        if key is None:
            continue
        summary = sweep_scores.summarize(rows, key)
        for ci, colour in enumerate(colours):
            pts = {s["value"]: s for s in summary if s["colour"] == colour and s["n"]}
            vals = [v for v in plan.values if v in pts]
            if not vals:
                continue
            name = value_label(plan.colour_setting, colour) if plan.colour_setting else plan.setting
            if plan.colour_setting:
                name = f"{plan.colour_setting} = {name}"
            fig.add_trace(go.Scatter(
                x=[x_of(plan, v) for v in vals], y=[pts[v]["mean"] for v in vals],
                error_y=dict(type="data", array=[pts[v]["std"] for v in vals], visible=True, thickness=1.5, width=5),
                mode="markers" if category else "lines+markers", name=name, legendgroup=str(colour),
                showlegend=p == 0 and plan.colour_setting is not None,
                marker=dict(color=PALETTE[ci % len(PALETTE)], size=8), line=dict(color=PALETTE[ci % len(PALETTE)]),
                customdata=[[pts[v]["std"], pts[v]["n"]] for v in vals],
                hovertemplate=(f"{plan.setting} = %{{x}}<br>%{{y:.4g}} ± %{{customdata[0]:.2g}}"
                               f"<br>{t('sweep.hover_seeds')} %{{customdata[1]}}<extra>%{{fullData.name}}</extra>")),
                row=r, col=c)
        if category:
            fig.update_xaxes(type="category", categoryorder="array", categoryarray=order,
                             range=[-0.5, len(order) - 0.5], row=r, col=c)
        elif _is_log(plan):
            fig.update_xaxes(type="log", tickvals=list(plan.values), ticktext=order, row=r, col=c)
        else:
            fig.update_xaxes(tickvals=list(plan.values), ticktext=order, row=r, col=c)
        for kind, x0, x1 in reference_marks(plan):
            a, b = _shape_x(plan, x0, order), _shape_x(plan, x1, order)
            if x1 is not None:
                if category:                                  # around the categories' points
                    a, b = a - 0.4, b + 0.4
                elif a == b:                                  # one recommended value: a narrow band around it
                    if _is_log(plan):
                        f = (max(plan.values) / min(plan.values)) ** 0.025
                        a, b = a / f, b * f
                    else:
                        half = 0.025 * ((max(plan.values) - min(plan.values)) or 1)
                        a, b = a - half, b + half
                fig.add_vrect(x0=a, x1=b, fillcolor=REF_COLOURS[kind], opacity=0.12, line_width=0, row=r, col=c)
            else:
                fig.add_vline(x=a, line_dash="dot" if kind == "gensim" else "dash",
                              line_color=REF_COLOURS[kind], line_width=1.5, row=r, col=c)
    fig.update_xaxes(title_text=plan.setting, title_standoff=4)
    if category and len(colours) > 1:
        fig.update_layout(scattermode="group", scattergap=0.6)      # the colours side by side at each category
    fig.update_layout(height=560, margin=dict(l=10, r=10, t=60, b=10), hovermode="closest",
                      legend=dict(orientation="h", yanchor="bottom", y=1.07, x=0, title_text=""),
                      showlegend=plan.colour_setting is not None)
    return presenter_style(fig)              # presenter mode: every text >= 16 px


def reference_legend(plan: sweep_plan.SweepPlan) -> str:
    """Which line is which, for the marks that the figure shows ('' if none)."""
    if plan.is_random:
        return ""
    kinds = list(dict.fromkeys(k for k, *_ in reference_marks(plan)))
    return ("" if current_language() == "zh" else " ").join(t(f"sweep.mark.{k}") for k in kinds)  # whole sentences


def plot_config(plan: sweep_plan.SweepPlan, fmt: str) -> dict:
    """Plotly's own export (the camera icon of the chart's toolbar) as PNG or SVG."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": fmt, "filename": f"sweep_{plan.setting}",
                                     "scale": 2 if fmt == "png" else 1, "width": 1100, "height": 650}}
