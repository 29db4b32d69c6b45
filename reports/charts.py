"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable by a screen reader
(each chart has a title and sits beside the table with the same numbers)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR_HEIGHT = 26
GAP = 10
LABEL_WIDTH = 190
BAR_AREA = 300
VALUE_WIDTH = 70


def bar_chart(*, chart_id: str, title: str, rows: list[tuple[str, float, str]], maximum: float | None = None,
              css_class: str = "") -> SafeString:
    """Horizontal bars: rows are (label, value, text shown after the bar)."""
    top = max([value for _label, value, _text in rows] + [maximum or 0]) or 1
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    bars = []
    for index, (label, value, text) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_AREA * value / top, 1)
        bars.append((
            y + BAR_HEIGHT * 0.68, LABEL_WIDTH - 8, label,
            LABEL_WIDTH, y, max(length, 0.5), BAR_HEIGHT,
            LABEL_WIDTH + length + 6, y + BAR_HEIGHT * 0.68, text,
        ))
    body = format_html_join(
        "",
        '<g class="bar"><text x="{1}" y="{0}" text-anchor="end" class="label">{2}</text>'
        '<rect x="{3}" y="{4}" width="{5}" height="{6}" rx="3"></rect>'
        '<text x="{7}" y="{8}" class="value">{9}</text></g>',
        bars,
    )
    return format_html(
        '<svg class="chart {}" id="{}" role="img" aria-labelledby="{}-title" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title>{}</svg>',
        css_class, chart_id, chart_id, width, height, chart_id, title, body,
    )
