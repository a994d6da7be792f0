// The corpus map: one Plotly chart that stays mounted across reruns (explorer/ui/map_chart.py).
// A new figure is drawn into the same chart with Plotly.react, so its WebGL context and
// shaders are kept; selection events go back to Python in st.plotly_chart's format.

const PLOTLY_URL = "app/static/plotly.min.js"; // Streamlit's static serving (app.py copies it)

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__explorerPlotly) {
    window.__explorerPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = PLOTLY_URL;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__explorerPlotly = null;
        reject(new Error(`could not load ${PLOTLY_URL}`));
      };
      document.head.appendChild(script);
    });
  }
  return window.__explorerPlotly;
}

// The page's own font and colours (light or dark theme), where the figure sets none.
function themed(layout, host) {
  const style = getComputedStyle(host);
  const app = host.closest(".stApp") || document.body;
  const background = getComputedStyle(app).backgroundColor;
  const font = { family: style.fontFamily, color: style.color, size: 12 };
  const axis = { gridcolor: "#e6eaf1", zerolinecolor: "#e6eaf1", automargin: true };
  const template = {
    layout: {
      font,
      paper_bgcolor: background,
      plot_bgcolor: background,
      title: { font: { ...font, size: 16 } },
      legend: { font },
      hoverlabel: { bgcolor: "#FFFFFF", bordercolor: "#DCD8D4", font: { ...font, color: "#31333F" } },
      xaxis: axis,
      yaxis: axis,
    },
  };
  return layout.template ? layout : { ...layout, template };
}

// A Plotly point or selection as st.plotly_chart reports it (the fields the page reads).
function pointOf(point) {
  return {
    curve_number: point.curveNumber,
    point_number: point.pointNumber,
    point_index: point.pointIndex,
    x: point.x,
    y: point.y,
    customdata: point.customdata,
  };
}

function pathXY(path) {
  const xs = [], ys = [];
  for (const pair of (path || "").replace("M", "").replace("Z", "").split("L")) {
    const [x, y] = pair.split(",").map(Number);
    if (Number.isFinite(x) && Number.isFinite(y)) { xs.push(x); ys.push(y); }
  }
  return { x: xs, y: ys };
}

function selectionOf(event) {
  const points = (event && event.points) || [];
  const box = [], lasso = [];
  for (const shape of (event && event.selections) || []) {
    if (shape.type === "rect") {
      box.push({ xref: shape.xref, yref: shape.yref, x: [shape.x0, shape.x1], y: [shape.y0, shape.y1] });
    } else if (shape.type === "path") {
      lasso.push({ xref: shape.xref, yref: shape.yref, ...pathXY(shape.path) });
    }
  }
  return {
    points: points.map(pointOf),
    point_indices: points.map((p) => p.pointIndex).filter((i) => i !== undefined),
    box,
    lasso,
  };
}

// The axes' ranges a zoom or pan left ({x, y}), null for "the whole map" (autoscale), or
// undefined when the relayout changed neither (a drag mode, a resize).
function viewOf(event, layout) {
  if (!event) return undefined;
  if (event["xaxis.autorange"] || event["yaxis.autorange"]) return null;
  const range = (axis) => event[`${axis}.range`] ||
    (event[`${axis}.range[0]`] !== undefined ? [event[`${axis}.range[0]`], event[`${axis}.range[1]`]] : undefined);
  const x = range("xaxis"), y = range("yaxis");
  if (!x && !y) return undefined;
  return { x: (x || layout.xaxis.range).map(Number), y: (y || layout.yaxis.range).map(Number) };
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let chart = parentElement.querySelector(":scope > .explorer-map");
  if (!chart) {
    chart = document.createElement("div");
    chart.className = "explorer-map";
    chart.style.width = "100%";
    parentElement.appendChild(chart);
  }
  // Each event is sent with the time, so the same click twice still reruns the page.
  const send = (selection) => setStateValue("selection", { ...selection, at: Date.now() });
  chart.__explorerLatest = data.spec;
  loadPlotly()
    .then((Plotly) => {
      if (chart.__explorerLatest !== data.spec || chart.__explorerDrawn === data.spec) return;
      const figure = JSON.parse(data.spec);
      const config = { displaylogo: false, responsive: true, ...JSON.parse(data.config || "{}") };
      chart.__explorerDrawn = data.spec;
      const drawn = Plotly.react(chart, figure.data, themed(figure.layout || {}, parentElement), config);
      if (!chart.__explorerWired) {
        chart.__explorerWired = true;
        chart.on("plotly_selected", (event) => event && send(selectionOf(event)));
        chart.on("plotly_deselect", () => send({ points: [], point_indices: [], box: [], lasso: [] }));
        chart.on("plotly_doubleclick", () => send({ points: [], point_indices: [], box: [], lasso: [] }));
        // A map drawn as an image with a sample of points (layout.meta.zoom_detail): a zoom
        // or pan goes back to the page, which draws the part in view in detail.
        chart.on("plotly_relayout", (event) => {
          if (!((chart.layout || {}).meta || {}).zoom_detail) return;
          const view = viewOf(event, chart.layout);
          if (view !== undefined) setStateValue("view", { view, at: Date.now() });
        });
      }
      return drawn;
    })
    .catch((error) => {
      chart.textContent = `The map could not be drawn: ${error.message}. Reload the page.`;
    });
  // Streamlit calls this when the chart leaves the page: free its WebGL context.
  return () => setTimeout(() => {
    if (!chart.isConnected && window.Plotly) window.Plotly.purge(chart);
  }, 0);
}
