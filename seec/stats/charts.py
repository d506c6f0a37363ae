"""Charts drawn on the server with matplotlib: SVG for the pages (readable without JavaScript,
text kept as text), PNG for the PDF report. Each chart stands beside the table it draws."""

import io

import matplotlib

matplotlib.use("Agg")  # no display: figures are only ever written to files
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "seec",  # the same chart gives the same SVG
    }
)
PALETTE = [
    "#1f5f8b", "#e07b39", "#4c9a2a", "#b33c3c", "#7a5195", "#2a9d8f", "#8c6d31", "#bc5090",
    "#58508d", "#003f5c", "#ffa600", "#6b8e23", "#a05195", "#d45087",
]  # fmt: skip


def _render(figure: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else 72, bbox_inches="tight")
    return buffer.getvalue()


def _figure(title: str, size=(7.0, 3.4)) -> tuple[Figure, object]:
    figure = Figure(figsize=size)
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=10, fontweight="bold")
    return figure, axes


def line_chart(
    title: str,
    x_labels: list[str],
    series: dict[str, list],
    fmt="svg",
    total: tuple[str, list] | None = None,
) -> bytes:
    """Lines over periods. `total` (a name and its values: the region's sum) goes on an axis
    of its own, on the right: on the countries' axis it would be ten times their height and
    flatten every country's line."""
    figure, axes = _figure(title)
    # Positions, not the labels: period codes look like numbers and would be plotted as such.
    lines = []
    for i, (name, values) in enumerate(series.items()):
        points = [(x, v) for x, v in enumerate(values) if v is not None]
        if points:
            lines += axes.plot(
                *zip(*points, strict=True), marker="o", label=name, color=PALETTE[i % 14]
            )
    axes.set_xticks(range(len(x_labels)), x_labels)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    if total is not None:
        name, values = total
        points = [(x, v) for x, v in enumerate(values) if v is not None]
        if points:
            right = axes.twinx()
            lines += right.plot(
                *zip(*points, strict=True), color="#333333", linestyle="--", linewidth=2,
                marker="s", label=f"{name} ({_('right axis')})",
            )  # fmt: skip
            right.set_ylim(bottom=0)
            right.set_ylabel(name, fontsize=8)
    if len(lines) > 1:
        axes.legend(
            lines, [line.get_label() for line in lines], fontsize=7, ncol=2, frameon=False,
            loc="upper left", bbox_to_anchor=(1.08, 1),
        )  # fmt: skip
    return _render(figure, fmt)


def bar_chart(
    title: str, categories: list[str], series: dict[str, list], fmt="svg", stacked=True
) -> bytes:
    """Bars per category; several series stacked (or side by side)."""
    figure, axes = _figure(title)
    bottoms = [0] * len(categories)
    width = 0.8 if stacked or len(series) == 1 else 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        values = [v or 0 for v in values]
        if stacked:
            axes.bar(
                range(len(categories)), values, bottom=bottoms, label=name, color=PALETTE[i % 14]
            )
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        else:
            xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(categories))]
            axes.bar(xs, values, width=width, label=name, color=PALETTE[i % 14])
    axes.set_xticks(range(len(categories)), categories, rotation=30 if len(categories) > 5 else 0,
                    ha="right" if len(categories) > 5 else "center")  # fmt: skip
    axes.grid(axis="y", alpha=0.3)
    if len(series) > 1:
        axes.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return _render(figure, fmt)


def horizontal_bars(title: str, labels: list[str], values: list, fmt="svg") -> bytes:
    figure, axes = _figure(title, size=(7.0, max(2.2, 0.35 * len(labels) + 0.8)))
    axes.barh(range(len(labels)), [v or 0 for v in values][::-1], color=PALETTE[0])
    axes.set_yticks(range(len(labels)), labels[::-1])
    axes.grid(axis="x", alpha=0.3)
    for y, value in enumerate([v or 0 for v in values][::-1]):
        axes.text(value, y, f" {value:,}", va="center", fontsize=7)
    return _render(figure, fmt)
