"""Bar charts of counts over time, laid out on the server and drawn as SVG by
templates/_chart.html: no script, nothing from a CDN, and every label goes through Jinja's
escaping. Months with nothing are shown as empty bars so gaps read as gaps; a span of more
than MAX_MONTHS months is counted by year instead.
"""

from __future__ import annotations

import re

WIDTH, HEIGHT, AXIS = 720, 160, 20  # SVG user units; AXIS is the room for labels below the bars
MAX_MONTHS = 120
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def months_between(first: str, last: str) -> list[str]:
    (y1, m1), (y2, m2) = (map(int, MONTH.match(month).groups()) for month in (first, last))  # type: ignore[union-attr]
    return [f"{y}-{m:02d}" for y in range(y1, y2 + 1) for m in range(1, 13) if (y1, m1) <= (y, m) <= (y2, m2)]


def over_time(counts: dict[str, int]) -> list[tuple[str, int]]:
    """`counts` by month (YYYY-MM; other keys are left out) as (period, count) in order with the
    empty months between filled in, or by year (YYYY) when the span is long."""
    months = {month: n for month, n in counts.items() if month and MONTH.match(month)}
    if not months:
        return []
    span = months_between(min(months), max(months))
    if len(span) <= MAX_MONTHS:
        return [(month, months.get(month, 0)) for month in span]
    years: dict[str, int] = {}
    for month, n in months.items():
        years[month[:4]] = years.get(month[:4], 0) + n
    return [(str(y), years.get(str(y), 0)) for y in range(int(min(years)), int(max(years)) + 1)]


def bars(points: list[tuple[str, int]]) -> dict:
    """Geometry for _chart.html: each bar's x, y, width, height, label and count, the tallest
    bar at full height; a label under the first, the last and about every eighth bar."""
    if not points:
        return {"bars": [], "width": WIDTH, "height": HEIGHT + AXIS, "total": 0, "max": 0}
    top = max(count for _, count in points) or 1
    step = WIDTH / len(points)
    every = max(len(points) // 8, 1)
    result = []
    for i, (label, count) in enumerate(points):
        height = round(HEIGHT * count / top, 1)
        result.append(
            {
                "x": round(i * step + step * 0.1, 1),
                "y": round(HEIGHT - height, 1),
                "width": round(step * 0.8, 1),
                "height": height,
                "label": label,
                "count": count,
                "labelled": i % every == 0 or i == len(points) - 1,
                "middle": round(i * step + step / 2, 1),
            }
        )
    return {
        "bars": result,
        "width": WIDTH,
        "height": HEIGHT + AXIS,
        "axis": HEIGHT + 14,
        "total": sum(c for _, c in points),
        "max": top,
    }
