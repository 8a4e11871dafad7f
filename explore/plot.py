"""mmusim plot: draws a sweep's results.csv with matplotlib (Debian's python3-matplotlib).

Run by `mmusim plot` (which passes the arguments below and the axis labels it knows from
the config key declarations); usable on its own too:
    python3 plot.py KIND RESULTS.csv OUT_PREFIX X Y X_LABEL Y_LABEL TITLE LINES LABELS
LINES and LABELS are comma-separated column names (may be empty).
KIND "lines": one line per combination of the LINES columns (the workload, by default,
and every other varied key), the mean over seeds with the lowest and highest as error
bars. KIND "pareto": one point per configuration (the LABELS columns, its mean over
seeds), one colour per combination of LINES, and each colour's Pareto front (the points
no other point beats on both X and Y, lower being better) drawn as a line.
Writes OUT_PREFIX.png and OUT_PREFIX.svg.
"""
import csv
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def columns(text):
    return [c for c in text.split(",") if c]


def pareto_front(points):
    """The points (x, y) that no other point beats on both, by increasing x."""
    front = []
    for px, py in sorted(points):
        if not front or py < front[-1][1]:
            front.append((px, py))
    return front


def draw_pareto(ax, rows, x, y, lines_by, labels_by):
    groups = {}
    for r in rows:
        cost, value = number(r[x]), number(r[y])
        if cost is None or value is None:
            continue
        config = " / ".join(r[c] for c in labels_by)
        groups.setdefault(tuple(r[c] for c in lines_by), {}).setdefault(config, []).append(
            (cost, value))
    if not groups:
        sys.exit(f"no successful run has values for both '{x}' and '{y}'")
    for key, configs in sorted(groups.items()):
        # Each configuration's mean over seeds (its cost is the same in every run).
        points = {config: (values[0][0], sum(v for _, v in values) / len(values))
                  for config, values in configs.items()}
        label = ", ".join(k for k in key if k != "") or y
        dots = ax.scatter([p[0] for p in points.values()], [p[1] for p in points.values()],
                          label=label, alpha=0.6)
        front = pareto_front(points.values())
        colour = dots.get_facecolor()[0]
        ax.plot([p[0] for p in front], [p[1] for p in front], drawstyle="steps-post",
                color=colour, label=f"Pareto front ({label})")
        # Only the front's points are named: the others are beaten on both axes.
        for config, point in sorted(points.items()):
            if point in front and config:
                ax.annotate(config, point, textcoords="offset points", xytext=(4, 4),
                            fontsize="x-small", color=colour)
    if labels_by:
        ax.text(0.99, 0.99, "front labelled " + " / ".join(labels_by), transform=ax.transAxes,
                ha="right", va="top", fontsize="x-small")


def main(argv):
    kind, results, prefix, x, y, x_label, y_label, title = argv[:8]
    lines_by, labels_by = columns(argv[8]), columns(argv[9])
    with open(results, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "ok"]
    for column in [x, y] + lines_by + labels_by:
        if rows and column not in rows[0]:
            sys.exit(f"{results}: no column '{column}'")
    # A key with one value in these rows tells the lines apart from nothing: leave it out.
    lines_by = [c for c in lines_by if len({r[c] for r in rows}) > 1]
    if kind == "pareto":
        fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
        draw_pareto(ax, rows, x, y, lines_by, labels_by)
        finish(fig, ax, prefix, x_label, y_label, title)
        return
    groups = {}
    categorical = any(number(r[x]) is None for r in rows)
    for r in rows:
        value = number(r[y])
        if value is None:
            continue
        key = tuple(r[c] for c in lines_by)
        groups.setdefault(key, {}).setdefault(r[x], []).append(value)
    if not groups:
        sys.exit(f"{results}: no successful run has a value for '{y}'")
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for key, points in sorted(groups.items()):
        xs = sorted(points, key=lambda v: (number(v) is None, number(v) or 0, v))
        means = [sum(points[v]) / len(points[v]) for v in xs]
        low = [m - min(points[v]) for m, v in zip(means, xs)]
        high = [max(points[v]) - m for m, v in zip(means, xs)]
        label = ", ".join(f"{c.split('.')[-1]}={k}" if c != "workload" else k
                          for c, k in zip(lines_by, key) if k != "") or y
        positions = list(range(len(xs))) if categorical else [number(v) for v in xs]
        ax.errorbar(positions, means, yerr=[low, high], marker="o", capsize=3, label=label)
        if categorical:
            ax.set_xticks(range(len(xs)), xs)
    numeric_x = [number(r[x]) for r in rows if number(r[x]) is not None]
    if not categorical and numeric_x and min(numeric_x) > 0 and max(numeric_x) / min(numeric_x) >= 16:
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_xticks(sorted(set(numeric_x)))
    finish(fig, ax, prefix, x_label, y_label, title)


def finish(fig, ax, prefix, x_label, y_label, title):
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title("\n".join(textwrap.wrap(title, 70)), fontsize="medium")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(f"{prefix}.{ext}")
    print(f"{prefix}.png")
    print(f"{prefix}.svg")


if __name__ == "__main__":
    main(sys.argv[1:])
