"""Showing the dashboards' numbers: percentages with one decimal, changes with a sign, and
the cells of a hazari.dashboards.tables.Table."""

import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from hazari.dashboards.tables import Change, Link, Pct

register = template.Library()
MISSING = "—"


@register.filter
def pct(value: float | None) -> str:
    return MISSING if value is None else formats.number_format(value, 1)


@register.filter
def points(value: float | None) -> str:
    if value is None:
        return MISSING
    sign = "+" if value > 0.05 else "−" if value < -0.05 else "±"
    return f"{sign}{formats.number_format(abs(value), 1)}"


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
        return formats.number_format(value, force_grouping=True)
    return str(value)
