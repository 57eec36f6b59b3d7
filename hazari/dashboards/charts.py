"""Charts as SVG drawn on the server: no script, nothing from another host, and they print.

Each chart is an <svg role="img"> with a title and a one-line description for screen
readers; the page puts the same numbers in a table beside it. Colours and fonts come from
dashboards.css through class names (the Content-Security-Policy allows no inline style).
Percentages run from 0 to 100; a missing value (no school open, nothing reported) leaves a gap.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_CHARS = 22


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    css: str  # the class that colours it


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _svg(title: str, description: str, height: int, body: list[str]) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=height,
        id=f"c{abs(hash((title, description, height))) % 10**8}",
        title=title,
        desc=description,
        body=mark_safe("".join(body)),  # noqa: S308 (built from escaped parts below)
    )


def _y_grid(left: int, right: int, top: int, bottom: int) -> list[str]:
    """Lines and labels at 0, 25, 50, 75 and 100 %."""
    out = []
    for pct in (0, 25, 50, 75, 100):
        y = bottom - (bottom - top) * pct / 100
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        out.append(
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{pct}</text>'
        )
    return out


def line(
    labels: Sequence[str], series: Sequence[Series], *, title: str, description: str
) -> SafeString:
    """Lines over days (a 30-day trend): one point per label, gaps where a value is missing."""
    height, left, right, top, bottom = 240, 40, WIDTH - 10, 12, 200
    n = max(len(labels), 2)

    def x(i: int) -> float:
        return left + (right - left) * i / (n - 1)

    def y(v: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(v, 100.0)) / 100

    body = _y_grid(left, right, top, bottom)
    every = max(1, len(labels) // 6)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            body.append(
                f'<text class="axis" x="{x(i):.1f}" y="{bottom + 18}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    for k, s in enumerate(series):
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(s.values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x(i), y(v)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{a:.1f},{b:.1f}" for a, b in run)
                body.append(f'<polyline class="{s.css}" points="{points}"/>')
            for a, b in run:
                body.append(f'<circle class="{s.css}" cx="{a:.1f}" cy="{b:.1f}" r="2.5"/>')
        legend_x = left + 10 + 170 * k
        body.append(
            f'<rect class="{s.css} key" x="{legend_x}" y="{height - 14}" width="12" height="12"/>'
        )
        body.append(
            f'<text class="axis" x="{legend_x + 16}" y="{height - 4}">{escape(s.name)}</text>'
        )
    return _svg(title, description, height, body)


def columns(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    description: str,
    css: str = "bar",
) -> SafeString:
    """One column per label (months across the year)."""
    height, left, right, top, bottom = 230, 40, WIDTH - 10, 12, 200
    n = max(len(labels), 1)
    slot = (right - left) / n
    body = _y_grid(left, right, top, bottom)
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        cx = left + slot * (i + 0.5)
        if v is not None:
            h = (bottom - top) * max(0.0, min(v, 100.0)) / 100
            body.append(
                f'<rect class="{css}" x="{cx - slot * 0.35:.1f}" y="{bottom - h:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{h:.1f}">'
                f"<title>{escape(label)}: {v:.1f} %</title></rect>"
            )
        body.append(
            f'<text class="axis" x="{cx:.1f}" y="{bottom + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return _svg(title, description, height, body)


def ranking(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    threshold: float | None = None,
) -> SafeString:
    """Horizontal bars, one row per label (units ranked, or boys against girls: one bar per
    series in each row), with an optional threshold line."""
    rows = max(len(labels), 1)
    bar = 14
    per_row = bar * len(series) + 8
    left, right = 190, WIDTH - 50
    top = 8 if len(series) == 1 else 30  # room for the key
    height = top + rows * per_row + 30
    scale = (right - left) / 100
    body = []
    for pct in (0, 25, 50, 75, 100):
        gx = left + pct * scale
        body.append(
            f'<line class="grid" x1="{gx:.1f}" y1="{top}" x2="{gx:.1f}" y2="{height - 26}"/>'
        )
        body.append(
            f'<text class="axis" x="{gx:.1f}" y="{height - 12}" text-anchor="middle">{pct}</text>'
        )
    for i, label in enumerate(labels):
        y0 = top + i * per_row
        body.append(
            f'<text class="label" x="{left - 6}" y="{y0 + per_row / 2 + 1:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
        )
        for k, s in enumerate(series):
            v = s.values[i]
            y = y0 + k * bar
            if v is None:
                body.append(f'<text class="axis" x="{left + 4}" y="{y + bar - 3}">—</text>')
                continue
            w = max(0.0, min(v, 100.0)) * scale
            body.append(
                f'<rect class="{s.css}" x="{left}" y="{y:.1f}" width="{w:.1f}" height="{bar - 2}">'
                f"<title>{escape(label)} · {escape(s.name)}: {v:.1f} %</title></rect>"
            )
            body.append(
                f'<text class="value" x="{left + w + 4:.1f}" y="{y + bar - 3:.1f}">{v:.1f}</text>'
            )
    if threshold is not None:
        tx = left + threshold * scale
        body.append(
            f'<line class="threshold" x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{height - 26}"/>'
        )
    if len(series) > 1:
        for k, s in enumerate(series):
            lx = left + 110 * k
            body.append(f'<rect class="{s.css} key" x="{lx}" y="6" width="12" height="12"/>')
            body.append(f'<text class="axis" x="{lx + 16}" y="16">{escape(s.name)}</text>')
    return _svg(title, description, height, body)
