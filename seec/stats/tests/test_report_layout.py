"""The annual report's layout (issue 16, item 13): the region's total on an axis of its own,
so the countries' lines are not flat; table headings that wrap between words only."""

from reportlab.platypus import Paragraph

from seec.stats import report, tables


def trend_table() -> tables.Table:
    table = tables.Table("trend", "New cases by period", ["Country", "2024", "2025", "2026"])
    table.rows = [["Greece", 40, 55, 48], ["Serbia", 12, 9, 20], ["Region", 900, 1010, 980]]
    return table


def test_the_regions_total_has_an_axis_of_its_own(monkeypatch):
    from seec.stats import charts

    drawn = []
    monkeypatch.setattr(charts, "_render", lambda figure, fmt: drawn.append(figure) or b"")
    tables.chart_of(trend_table(), "svg")
    [figure] = drawn
    countries, region = figure.axes
    # The countries' lines fill their own axis; the region's total has the right-hand one.
    assert 55 <= countries.get_ylim()[1] < 100
    assert region.get_ylim()[1] >= 1010
    assert [line.get_label() for line in countries.get_lines()] == ["Greece", "Serbia"]
    assert region.get_lines()[0].get_label().startswith("Region")


TRAFFICKING = [
    "Country", "Sexual exploitation", "Labour exploitation", "Forced criminal activities",
    "Forced begging", "Forced or sham marriage", "Removal of organs", "Other forms",
    "Total", "Suspects", "Prosecutions", "Convictions",
]  # fmt: skip


def test_table_headings_never_break_inside_a_word():
    styles = report._styles()
    table = tables.Table("trafficking", "Child victims", TRAFFICKING)
    table.rows = [["North Macedonia", 3, 12, 0, 1, 2, 0, 1, 19, 7, 5, 3]]
    flowable = report._table(table, styles)
    assert abs(sum(flowable._colWidths) - report.WIDTH) < 1
    for cell, width in zip(flowable._cellvalues[0], flowable._colWidths, strict=True):
        assert isinstance(cell, Paragraph)
        cell.wrap(width - 2 * report.CELL_PADDING, 1000)
        written = [word for line in cell.blPara.lines for word in line[1]]
        assert written == cell.text.split(), (cell.text, written)


def test_the_open_statistics_answer_where_the_readme_says(client, db):
    index = client.get("/api/public/stats/")
    assert index.status_code == 200
    for link in index.json().values():
        path = link.split("testserver", 1)[1]
        assert client.get(path).status_code == 200, path
