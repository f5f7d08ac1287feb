"""Charts of bench/compare's figures, as SVG files beside docs/performance.md (docs/charts/), drawn from the tables
bench/compare wrote there: each section's tables are read back, each chart drawn as grouped bars, and a link to it
put at the end of its section. No plotting library: a few SVG elements, readable on GitHub and in any browser."""
import math
import os
import re

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 40, 70
# fanout's targets in blues, darkest first; NATS's in orange, Redis's in red; anything else (percentiles) greys.
FANOUT = ["#1f4e9c", "#2a6fdb", "#5b9bd5", "#8fb8e8", "#b4cde8"]
NATS = ["#e07b39", "#f0a66d"]
REDIS = ["#c0392b", "#e06b5d"]
OTHER = ["#555555", "#888888", "#bbbbbb"]


def colours(series):
    """A colour per series, by whose server it is."""
    used = {"fanout": 0, "nats": 0, "redis": 0, "other": 0}
    out = []
    for name in series:
        family = ("fanout" if name.startswith(("fanout", "cluster")) else "nats" if name.startswith("nats")
                  else "redis" if name.startswith("redis") else "other")
        palette = {"fanout": FANOUT, "nats": NATS, "redis": REDIS, "other": OTHER}[family]
        out.append(palette[used[family] % len(palette)])
        used[family] += 1
    return out


def nice_step(top):
    """A round step (1, 2 or 5 times a power of ten) that divides 0..top into about four."""
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def label(v):
    return f"{v / 1000:g}k" if v >= 10_000 else f"{v:g}"


def esc(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def bars(path, title, unit, groups, series, value):
    """Writes a grouped bar chart: for each group (x axis) a bar per series, value(series, group) high (or None)."""
    values = [value(s, g) for s in series for g in groups]
    step = nice_step(max([v for v in values if v is not None] + [1e-9]))
    ticks = int(max(v for v in values if v is not None) // step) + 1
    top = step * ticks
    fills = colours(series)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / len(groups)
    bar_w = group_w * 0.8 / len(series)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" font-size="14">{esc(title)}</text>']
    for i in range(ticks + 1):
        v = step * i
        y = TOP + plot_h - plot_h * i / ticks
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{label(round(v, 6))}</text>')
    out.append(f'<text x="14" y="{TOP + plot_h / 2}" transform="rotate(-90 14 {TOP + plot_h / 2})" '
               f'text-anchor="middle">{esc(unit)}</text>')
    for gi, group in enumerate(groups):
        x0 = LEFT + gi * group_w + group_w * 0.1
        for si, name in enumerate(series):
            v = value(name, group)
            if v is None:
                continue
            h = plot_h * v / top
            x = x0 + si * bar_w
            out.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w * 0.92:.1f}" height="{h:.1f}" '
                       f'fill="{fills[si]}"><title>{esc(name)}, {esc(group)}: {v:.3g} '
                       f'{esc(unit)}</title></rect>')
        out.append(f'<text x="{LEFT + gi * group_w + group_w / 2:.1f}" y="{TOP + plot_h + 14}" '
                   f'text-anchor="middle">{esc(group)}</text>')
    legend_y = HEIGHT - 28
    x = LEFT
    for si, name in enumerate(series):
        out.append(f'<rect x="{x}" y="{legend_y}" width="10" height="10" fill="{fills[si]}"/>')
        out.append(f'<text x="{x + 14}" y="{legend_y + 9}">{esc(name)}</text>')
        x += 18 + 7 * len(name)
        if x > WIDTH - 120:
            x, legend_y = LEFT, legend_y + 14
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def section(doc, begin, end):
    if begin not in doc:
        return None
    return doc[doc.index(begin):doc.index(end)]


def tables(text):
    """Every markdown table in text, as (header cells, rows of cells)."""
    found, header, rows = [], None, []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header = cells
            elif not all(set(c) <= set("-: ") for c in cells):
                rows.append(cells)
        elif header is not None:
            found.append((header, rows))
            header, rows = None, []
    return found


def number(cell):
    match = re.match(r"[\d,.]+", cell.replace(",", ""))
    return float(match.group(0)) if match else None


def link(doc, end, name, alt):
    """doc with a link to charts/name just before the end marker, once."""
    line = f"![{alt}](charts/{name})"
    if line in doc:
        return doc
    return doc.replace(end, line + "\n\n" + end, 1)


def draw(doc_path, markers):
    """Draws every chart the doc's bench/compare sections allow and links each from its section. markers: name to
    (begin, end) for "grid", "acked", "cluster"."""
    charts = os.path.join(os.path.dirname(doc_path), "charts")
    os.makedirs(charts, exist_ok=True)
    with open(doc_path) as f:
        doc = f.read()
    grid = section(doc, *markers["grid"])
    if grid:
        found = tables(grid)
        header, rows = next(t for t in found if t[0][0].startswith("S subs"))
        targets = [h for h in header[1:] if "/" not in h]
        for size in ("16", "256"):
            cells = {(r[0].split(" x ")[0]): r for r in rows if r[0].endswith(" x " + size)}
            groups = list(cells)
            name = f"compare-throughput-{size}.svg"
            bars(os.path.join(charts, name), f"Delivered messages per second, {size}-byte messages (millions)",
                 "M msg/s", [g + " subs" for g in groups], targets,
                 lambda t, g: number(cells[g.split(" ")[0]][1 + targets.index(t)]))
            doc = link(doc, markers["grid"][1], name, f"delivered per second, {size}-byte messages, by subscribers")
        latency = next((t for t in found if t[0][:4] == ["target", "p50", "p90", "p99"]), None)
        if latency:
            header, rows = latency
            values = {r[0]: r for r in rows}
            bars(os.path.join(charts, "compare-latency.svg"), "Latency at 10,000 msg/s to 100 subscribers "
                 "(microseconds)", "us", ["p50", "p90", "p99"], list(values),
                 lambda t, g: number(values[t][header.index(g)]))
            doc = link(doc, markers["grid"][1], "compare-latency.svg", "latency percentiles by server")
    acked = section(doc, *markers["acked"])
    if acked:
        header, rows = tables(acked)[0]
        columns = [h for h in header if h.endswith("acks/s")]
        values = {r[0]: r for r in rows}
        bars(os.path.join(charts, "compare-acked.svg"), "Acknowledged publishes per second", "acks/s",
             [c.split(":")[0] + " (publishers x in flight)" for c in columns], list(values),
             lambda t, g: number(values[t][header.index(next(c for c in columns if c.startswith(g.split(" (")[0])))]))
        doc = link(doc, markers["acked"][1], "compare-acked.svg", "acknowledged publishes per second by server")
    cluster = section(doc, *markers["cluster"])
    if cluster:
        header, rows = tables(cluster)[0]
        targets = [h for h in header[1:] if "/" not in h]
        values = {r[0]: r for r in rows}
        bars(os.path.join(charts, "compare-cluster.svg"), "Cluster mode: delivered messages per second (millions)",
             "M msg/s", list(values), targets, lambda t, g: number(values[g][1 + targets.index(t)]))
        doc = link(doc, markers["cluster"][1], "compare-cluster.svg", "delivered per second, one server and clusters")
    with open(doc_path, "w") as f:
        f.write(doc)
