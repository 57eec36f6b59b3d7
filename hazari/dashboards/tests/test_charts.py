"""Charts are well-formed SVG with a title and a description, escape what they are given, and
leave gaps for missing values; table cells go to files as numbers, safe text or nothing."""

import datetime
import xml.etree.ElementTree as ET

from hazari.dashboards import charts
from hazari.dashboards.tables import Change, Link, Pct, file_name, plain

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    # Our own output, not untrusted input.
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # noqa: S314


def test_line_chart_breaks_at_missing_days():
    svg = charts.line(
        ["1", "2", "3", "4", "5"],
        [charts.Series("Attendance %", [50.0, 60.0, None, 70.0, 80.0], "line-attendance")],
        title="Trend <30 days>",
        description="A & B",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Trend <30 days>"
    assert root.find(f"{SVG}desc").text == "A & B"
    assert len(root.findall(f"{SVG}polyline")) == 2  # before and after the gap
    assert len(root.findall(f"{SVG}circle")) == 4


def test_ranking_and_columns_escape_names_and_clip_values():
    svg = charts.ranking(
        ["<script>alert(1)</script>", "Sehore"],
        [charts.Series("Boys %", [120.0, None], "bar-boys")],
        title="Ranking",
        description="d",
        threshold=60,
    )
    assert "<script>" not in svg
    root = parse(svg)
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 1 and float(bars[0].get("width") or 0) <= 400  # 120 % drawn as 100 %
    assert root.find(f"{SVG}line[@class='threshold']") is not None
    columns = parse(charts.columns(["Apr", "May"], [80.0, None], title="t", description="d"))
    assert len(columns.findall(f"{SVG}rect")) == 1


def test_cells_in_files():
    assert plain(Pct(72.345)) == 72.3
    assert plain(Pct(None)) is None
    assert plain(Change(-1.26)) == -1.3
    assert plain(Link("=cmd|' /C calc'!A0", "/x")) == "'=cmd|' /C calc'!A0"
    assert plain("+91 98") == "'+91 98"
    assert plain(datetime.date(2026, 7, 1)) == "2026-07-01"
    assert plain(12) == 12
    assert file_name("2332", "children", "month", "2026-07-01") == "2332-children-month-2026-07-01"
    assert file_name("a b/c", "") == "a-b-c"
