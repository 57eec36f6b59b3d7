"""Showing the dashboards' numbers: percentages with one decimal, changes with a sign, and
the cells of a hazari.dashboards.tables.Table."""

import datetime

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hazari.dashboards.tables import Change, Link, Pct, Table

register = template.Library()
MISSING = "—"


# Numbers are written the same way in Hindi and English (both use the decimal point), with
# Indian grouping (12,34,567), without Django's per-call locale lookups: a state's page has
# about a thousand of them.


@register.filter
def pct(value: float | None) -> str:
    return MISSING if value is None else f"{value:.1f}"


@register.filter
def points(value: float | None) -> str:
    if value is None:
        return MISSING
    sign = "+" if value > 0.05 else "−" if value < -0.05 else "±"
    return f"{sign}{abs(value):.1f}"


@register.filter
def count(n: int) -> str:
    """A whole number grouped the Indian way (12,34,567)."""
    return grouped(int(n))


def grouped(n: int) -> str:
    """12,34,567: the last three digits, then pairs."""
    text = str(abs(n))
    if len(text) > 3:
        head, tail = text[:-3], text[-3:]
        pairs: list[str] = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        text = ",".join([head, *pairs, tail]) if head else ",".join([*pairs, tail])
    return f"-{text}" if n < 0 else text


@register.simple_tag
def rows(table: Table) -> SafeString:
    """The table's body rows. Written out here rather than as template loops: the state's
    page has about a thousand cells, and the template engine spent most of the page's time
    on them."""
    if not table.rows:
        return format_html(
            '<tr><td colspan="{}">{}</td></tr>',
            len(table.columns),
            _("Nothing to show for this period."),
        )
    lines = []
    for row in table.rows:
        cells = []
        for i, value in enumerate(row):
            html = conditional_escape(cell(value))
            if i == 0:
                cells.append(f'<th scope="row">{html}</th>')
            elif i >= table.numeric_from:
                cells.append(f'<td class="num">{html}</td>')
            else:
                cells.append(f"<td>{html}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(lines))  # noqa: S308 (every cell escaped above)


@register.simple_tag
def cell(value: object) -> SafeString | str:
    if isinstance(value, Link):
        return format_html('<a href="{}">{}</a>', value.url, value.text)
    if isinstance(value, Pct):
        return pct(value.value)
    if isinstance(value, Change):
        css = (
            ""
            if value.value is None
            else "up"
            if value.value > 0.05
            else "down"
            if value.value < -0.05
            else ""
        )
        return format_html('<span class="change {}">{}</span>', css, points(value.value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "D j M")
    if value is None:
        return MISSING
    if isinstance(value, int):
        return grouped(value)
    return str(value)
