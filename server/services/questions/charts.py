"""Bar charts for the questions PDFs (report and synthesis): every bar carries its value, and a
chart never drops groups silently — its title says "all N" or "top N of M"."""

import math

from flask_babel import lazy_gettext as _l
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

LIMIT = 15
LABEL_MAX = 48


def short(label, limit=LABEL_MAX):
    """A category label cut in the middle, so a site's code at the end stays readable."""
    label = str(label)
    if len(label) <= limit:
        return label
    tail = min(14, limit // 3)
    return label[: limit - tail - 1] + "…" + label[-tail:]


def chart_title(title, shown, total):
    """ "Title (all 7)" or "Title (top 15 of 40)"."""
    if shown < total:
        return str(_l("%(title)s (%(shown)d nhiều nhất trong %(total)d)", title=title, shown=shown, total=total))
    return str(_l("%(title)s (tất cả %(total)d)", title=title, total=total))


def bar_chart(title, pairs, font, limit=LIMIT, horizontal=True, width=170 * mm):
    """A chart of ``pairs`` ((label, value), in the order given; the first ``limit`` shown)."""
    pairs = list(pairs)
    total = len(pairs)
    shown = pairs[:limit] or [("—", 0)]
    if horizontal:
        shown = shown[::-1]  # reportlab draws the first category at the bottom: most at the top
        height = max(22 + 14 * len(shown), 40 * mm)
    else:
        height = 70 * mm
    drawing = Drawing(width, height + 16)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (62 * mm, 8) if horizontal else (12 * mm, 14 * mm)
    chart.width = width - chart.x - 10 * mm
    chart.height = height - 20 - (0 if horizontal else 10 * mm)
    values = [value for _, value in shown]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [short(label) for label, _ in shown]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    if not horizontal:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    top = max(values + [1])
    step = max(1, math.ceil(top / 5))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = step * (math.ceil(top * 1.15 / step) or 1)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#c8102e")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w" if horizontal else "s"
    chart.barLabels.dx, chart.barLabels.dy = (3, 0) if horizontal else (0, 2)
    drawing.add(chart)
    drawing.add(
        String(0, drawing.height - 10, chart_title(title, min(limit, total), total), fontName=font, fontSize=10)
    )
    return drawing
