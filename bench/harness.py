"""Start the app and a headless Debian Chromium, read its charts, measure the server.

Shared by the browser tests (tests/e2e) and the benchmarks (bench/); imports
neither the explorer package nor the tests, only the standard library (and
Playwright, which the caller hands in).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: An init script counting, in the page itself, the bytes of every websocket message it
#: receives (``window.__receivedBytes``). Playwright's ``framereceived`` event ships each
#: frame's payload to Python instead: after a 1.7 MB figure it kept the 2 cores busy for
#: seconds, and the next redraw measured 1.6-2.0 s instead of 0.9-1.0 s.
COUNT_RECEIVED_JS = """(() => {
  const Socket = window.WebSocket;
  window.__receivedBytes = 0;
  const size = (data) => data.byteLength ?? data.size ?? data.length ?? 0;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => { window.__receivedBytes += size(event.data); });
    }
  };
})()"""


def count_received(page):
    """Count the websocket bytes ``page`` receives from now on; returns a function
    giving the count so far (call it outside what is timed).

    Example:
        >>> callable(count_received)
        True
    """
    page.add_init_script(COUNT_RECEIVED_JS)
    return lambda: int(page.evaluate("() => window.__receivedBytes || 0"))


class BenchError(RuntimeError):
    """A step that could not be measured, with what to look at."""


def say(text: str) -> None:
    """Progress for the person watching, on stderr (stdout holds the results)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, *, timeout: float = 120, log: Path | None = None) -> subprocess.Popen:
    """Run `streamlit run app.py` on 127.0.0.1:port and wait until it answers."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w") if log else subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"streamlit did not answer on port {port} within {timeout} s")


def stop_server(process: subprocess.Popen, *, timeout: float = 30) -> None:
    """Stop a server from :func:`start_server`; kill it if it ignores SIGTERM."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def wait_until_idle(
    pid: int, *, share: float = 0.1, quiet_s: float = 2.0, timeout: float = 600
) -> float:
    """Wait until the process ``pid`` used under ``share`` of a core for ``quiet_s`` seconds
    (the server's warm-up and the sample's UMAP done); return the seconds waited."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu_s() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        before = cpu_s()
        time.sleep(quiet_s)
        if cpu_s() - before < share * quiet_s:
            return time.perf_counter() - start
    raise BenchError(f"The server (pid {pid}) was still busy after {timeout:.0f} s")


def peak_memory_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"No VmHWM line in /proc/{pid}/status")


def launch_chromium(playwright):
    """Debian's Chromium through Playwright (never `playwright install`)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


#: JavaScript: the phrases trace's point count (and how many of its points are
#: drawn), the distance lines and the d= labels of the first chart.
CHART_STATE_JS = """() => {
  const plots = document.querySelectorAll('.js-plotly-plot');
  if (plots.length !== 1 || !plots[0].data) return null;
  const plot = plots[0];
  const points = plot.data.find(t => t.name === 'phrases');
  const labels = (plot.layout.annotations || []).map(a => a.text).filter(t => t.startsWith('d='));
  const drawn = [...plot.querySelectorAll('.scatterlayer .trace')]
    .filter(g => g.__data__ && g.__data__[0] && g.__data__[0].trace.name === 'phrases')
    .reduce((sum, g) => sum + g.querySelectorAll('.points path').length, 0);
  const lines = plot.data.filter(t => t.name === 'distance').length;
  return {n: points ? points.x.length : 0, labels, drawn, lines,
          text: points ? points.text : [], x: points ? points.x : [], y: points ? points.y : []};
}"""


def wait_for_chart(page, predicate: str, timeout: float = 120_000) -> dict:
    """Wait until the chart's state (CHART_STATE_JS) passes ``predicate`` and return that state.

    The state is read in the same browser call that checks it, so a rerun that
    redraws the chart right after cannot hand back a half-drawn one.
    """
    handle = page.wait_for_function(
        f"() => {{ const s = ({CHART_STATE_JS})(); return s && ({predicate})(s) ? s : null; }}",
        timeout=timeout,
    )
    return handle.json_value()


#: JavaScript: the Corpus page's map once Plotly has drawn it: points in its corpus
#: traces (read from ``_fullData``, where binary arrays are decoded), their trace
#: names and types, every trace's name, whether the WebGL canvas exists, the title.
CORPUS_MAP_STATE_JS = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  if (!plot || !plot._fullData) return null;
  const corpus = plot._fullData.filter(t => t.meta && t.meta.role === 'corpus');
  const n = corpus.reduce((sum, t) => sum + (t.x ? t.x.length : 0), 0);
  const canvas = !!plot.querySelector('.gl-container canvas');
  return {n, traces: corpus.length, names: corpus.map(t => t.name),
          types: corpus.map(t => t.type), all: plot._fullData.map(t => t.name), canvas,
          title: plot.layout.title ? plot.layout.title.text : ''};
}"""


def point_xy_js(plot: str = ".js-plotly-plot") -> str:
    """JavaScript taking ``i``: where (in the window's pixels) row ``i`` of the first
    corpus trace of the chart ``plot`` (a CSS selector) is drawn, once the chart is
    scrolled to the middle of the window.

    Example:
        >>> "querySelector('#map')" in point_xy_js("#map")
        True
    """
    return f"""(i) => {{
  const plot = document.querySelector('{plot}');
  plot.scrollIntoView({{block: 'center'}});
  const trace = plot._fullData.find(t => t.meta && t.meta.role === 'corpus');
  const xa = plot._fullLayout.xaxis, ya = plot._fullLayout.yaxis;
  const box = plot.getBoundingClientRect();
  return {{x: box.left + xa._offset + xa.l2p(trace.x[i]),
          y: box.top + ya._offset + ya.l2p(trace.y[i])}};
}}"""


#: JavaScript: every visible SVG text of every chart on the page (hover labels left
#: out), with its box in page pixels, and each chart's own box.
TEXT_BOXES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
  const chart = plot.getBoundingClientRect();
  const texts = [...plot.querySelectorAll('svg text')].filter(t => {
    if (t.closest('.hoverlayer') || !t.textContent.trim()) return false;
    const style = getComputedStyle(t);
    if (style.display === 'none' || style.visibility === 'hidden' || +style.opacity === 0)
      return false;
    const r = t.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }).map(t => {
    const r = t.getBoundingClientRect();
    const kind = t.closest('.annotation') ? 'annotation' : t.closest('.textpoint') ? 'point'
      : t.closest('.legend') ? 'legend' : t.closest('.g-gtitle') ? 'title'
      : t.closest('.xtick, .ytick') ? 'tick' : (t.getAttribute('class') || 'text');
    return {text: t.textContent, kind, box: [r.left, r.top, r.right, r.bottom]};
  });
  return {chart: [chart.left, chart.top, chart.right, chart.bottom], texts};
})"""


def text_overlaps(texts: list[dict], *, tolerance: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts (from TEXT_BOXES_JS) whose boxes overlap by more than ``tolerance`` px
    both across and down.

    Example:
        >>> a = {"text": "a", "box": [0, 0, 10, 10]}
        >>> b = {"text": "b", "box": [9.5, 0, 20, 10]}
        >>> c = {"text": "c", "box": [5, 5, 15, 15]}
        >>> text_overlaps([a, b, c])
        [('a', 'c'), ('b', 'c')]
    """
    pairs = []
    for i, first in enumerate(texts):
        for second in texts[i + 1 :]:
            (a0, a1, a2, a3), (b0, b1, b2, b3) = first["box"], second["box"]
            across = min(a2, b2) - max(a0, b0)
            down = min(a3, b3) - max(a1, b1)
            if across > tolerance and down > tolerance:
                pairs.append((first["text"], second["text"]))
    return pairs


def texts_outside(chart: dict, *, tolerance: float = 1.0) -> list[str]:
    """Texts of one chart (an item of TEXT_BOXES_JS) that stick out of the chart's box."""
    left, top, right, bottom = chart["chart"]
    return [
        t["text"]
        for t in chart["texts"]
        if t["box"][0] < left - tolerance
        or t["box"][2] > right + tolerance
        or t["box"][1] < top - tolerance
        or t["box"][3] > bottom + tolerance
    ]


def text_problems(page) -> list[str]:
    """Every pair of overlapping texts, and every text sticking out of its chart, in
    all the Plotly charts on ``page`` (see :data:`TEXT_BOXES_JS`)."""
    problems = []
    for number, chart in enumerate(page.evaluate(TEXT_BOXES_JS), start=1):
        problems += [
            f"chart {number}: {a!r} overlaps {b!r}" for a, b in text_overlaps(chart["texts"])
        ]
        problems += [f"chart {number}: {t!r} sticks out" for t in texts_outside(chart)]
    return problems


#: JavaScript: whether every chart on the page is drawn (Plotly's full layout
#: and data are there) and what each shows: its title and trace names.
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(p => ({
  drawn: !!(p._fullLayout && p._fullData),
  title: p._fullLayout && p._fullLayout.title ? p._fullLayout.title.text : '',
  names: p._fullData ? p._fullData.map(t => t.name) : [],
  points: p._fullData ? p._fullData.filter(t => t.name === 'phrases').map(t => t.x.length) : [],
}))"""
