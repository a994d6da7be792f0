"""The corpus map alone at 100,000 and 1,000,000 points: built, serialized, drawn in Chromium.

Run: `.venv/bin/python bench/corpus_paint.py [--sizes 100000 1000000]`. For each size and
colouring (one colour, a 10-value category, a number) it prints: the figure's build time
(`corpus_figure` with hits, a clicked point and its neighbours, density contours), the
JSON `st.plotly_chart` would send (`plotly.io.to_json(fig.to_dict())`, time and MB),
and in headless Chromium (software GL) on a plain page with plotly.js: fetch + parse +
`Plotly.newPlot` until painted (the first map), `Plotly.react` with another projection
until painted (a redraw, as Streamlit's chart does), and what hover shows at point 0.
No Streamlit server: the page's own redraws are `bench/scale.py --browser-only`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import launch_chromium, point_xy_js, say  # noqa: E402

TRIALS = 3
#: JavaScript: fetch the figure, parse it, draw it, wait two frames; seconds for each step.
DRAW_JS = """async ([url, react]) => {
  const t0 = performance.now();
  const text = await (await fetch(url)).text();
  const t1 = performance.now();
  const fig = JSON.parse(text);
  const t2 = performance.now();
  const div = document.getElementById('map');
  await (react ? Plotly.react : Plotly.newPlot)(div, fig.data, fig.layout, {responsive: true});
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const t3 = performance.now();
  return {fetch: (t1 - t0) / 1000, parse: (t2 - t1) / 1000, draw: (t3 - t2) / 1000,
          total: (t3 - t0) / 1000};
}"""
#: JavaScript: the window position of point ``i`` of the first corpus trace.
POINT_XY_JS = point_xy_js("#map")


def figures(n: int) -> dict[str, tuple]:
    """Each colouring's figure at ``n`` points, and its build seconds (coloring included)."""
    import numpy as np
    import pandas as pd

    from bench.scale_corpus import synthetic_corpus
    from explorer.documents.corpus_view import Neighbour
    from explorer.figures.corpus import coloring, corpus_figure
    from explorer.figures.corpus_layers import density_trace

    base, themes = synthetic_corpus(min(n, 100_000))
    texts = (base * (n // len(base) + 1))[:n]
    column = pd.Series((themes * (n // len(themes) + 1))[:n])
    rng = np.random.default_rng(0)
    stars = pd.Series(rng.uniform(0, 5, n))
    maps = [rng.normal(size=(n, 2)).astype(np.float32) for _ in range(2)]
    corpus_figure(maps[0][:10], texts[:10], title="warm-up")
    out = {}
    for name, values in (("one colour", None), ("category", column), ("number", stars)):
        built = []
        for coords in maps:
            start = time.perf_counter()
            color = None if values is None else coloring(values, column=name)
            fig = corpus_figure(
                coords, texts, title=f"{n:,} points", color=color, hits=list(range(100, 300, 10)),
                selected=5, neighbours=[Neighbour(i, 0.1 * i) for i in range(6, 16)],
                layers=[density_trace(coords)],
            )  # fmt: skip
            built.append((fig, time.perf_counter() - start))
        out[name] = built
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()

    import plotly.io as pio
    from playwright.sync_api import sync_playwright
    from plotly.offline import get_plotlyjs

    html = (
        "<html><head><meta charset='utf-8'><script>" + get_plotlyjs() + "</script></head>"
        "<body style='margin:0'><div id='map' style='width:1000px;height:660px'></div>"
        "</body></html>"
    )
    rows = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for n in args.sizes:
                say(f"Building the figures at {n:,} points")
                for name, built in figures(n).items():
                    specs = []
                    for fig, _ in built:
                        start = time.perf_counter()
                        specs.append(pio.to_json(fig.to_dict(), validate=False))
                        json_s = time.perf_counter() - start
                    firsts, redraws = [], []
                    hover = ""
                    for _ in range(TRIALS):
                        page = browser.new_page(viewport={"width": 1100, "height": 760})
                        served = {f"/fig{i}.json": spec for i, spec in enumerate(specs)}
                        page.route(
                            "http://bench/",
                            lambda r: r.fulfill(body=html, content_type="text/html"),
                        )
                        page.route(
                            "http://bench/fig*.json",
                            lambda r: r.fulfill(
                                body=served[r.request.url.removeprefix("http://bench")],
                                content_type="application/json",
                            ),
                        )
                        page.goto("http://bench/")
                        firsts.append(page.evaluate(DRAW_JS, ["/fig0.json", False]))
                        redraws.append(page.evaluate(DRAW_JS, ["/fig1.json", True]))
                        if not hover:
                            point = page.evaluate(POINT_XY_JS, 0)
                            page.mouse.move(point["x"] - 30, point["y"] - 30)
                            page.mouse.move(point["x"], point["y"])
                            try:
                                page.locator(".hoverlayer .hovertext").first.wait_for(
                                    timeout=20_000
                                )
                                hover = page.locator(".hoverlayer .hovertext").first.text_content()
                            except Exception as error:  # noqa: BLE001 - reported, not fatal
                                hover = f"(no hover: {type(error).__name__})"
                        page.close()
                    row = {
                        "rows": n, "colour": name,
                        "build_s": statistics.median(s for _, s in built),
                        "json_s": json_s, "payload_mb": max(len(s) for s in specs) / 1e6,
                        "first_draw_s": statistics.median(d["total"] for d in firsts),
                        "redraw_s": statistics.median(d["total"] for d in redraws),
                        "redraw_parse_s": statistics.median(d["parse"] for d in redraws),
                        "redraw_plot_s": statistics.median(d["draw"] for d in redraws),
                        "hover": hover,
                    }  # fmt: skip
                    rows.append(row)
                    say(
                        f"  {n:,} {name}: build {row['build_s']:.2f} s, JSON {json_s:.2f} s "
                        f"{row['payload_mb']:.1f} MB; first draw {row['first_draw_s']:.2f} s, "
                        f"redraw {row['redraw_s']:.2f} s (parse {row['redraw_parse_s']:.2f}, "
                        f"Plotly.react + paint {row['redraw_plot_s']:.2f}); hover “{hover}”"
                    )
        finally:
            browser.close()
    print(
        "\n| points | colour | build (s) | JSON (s) | payload (MB) | first draw (s) | redraw (s) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['rows']:,} | {r['colour']} | {r['build_s']:.2f} | {r['json_s']:.2f} "
            f"| {r['payload_mb']:.1f} | {r['first_draw_s']:.2f} | {r['redraw_s']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
