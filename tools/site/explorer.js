/* The book's live explorers: sliders and step-by-step animation without a kernel.
   Plain JavaScript, no library. tools/build_site.py writes each explorer's controls into
   the page (a <figure class="live" hidden>, next to the still image of the notebook) and
   its data into _static/explorers/<key>.js: window.ADAMEDU_EXPLORERS[key], base64 of
   zlib-compressed JSON computed at build time by adamedu (tools/explorer_data.py).
   This script decodes the data, draws the paths and curves as SVG over the background
   image, and swaps the still image for the live figure. Without scripts, or if anything
   fails, the still image stays. */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const REDUCED = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const PLAY_MS = 4000;       // an animation unfolds the whole run in about this long
  const DOTS = 25;            // marks along a path (its optimizer's marker), for greyscale

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function cumsum(deltas) {
    const out = new Array(deltas.length);
    let s = 0;
    for (let i = 0; i < deltas.length; i++) { s += deltas[i]; out[i] = s; }
    return out;
  }

  async function decode(b64) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return JSON.parse(await new Response(stream).text());
  }

  // Marker shapes of matplotlib's markers, in a box from -1 to 1 (y down).
  const SHAPES = {
    o: "M1,0A1,1 0 1,1 -1,0A1,1 0 1,1 1,0Z",
    s: "M-0.8,-0.8H0.8V0.8H-0.8Z",
    "^": "M0,-1L0.95,0.75H-0.95Z",
    v: "M0,1L0.95,-0.75H-0.95Z",
    D: "M0,-1L0.8,0L0,1L-0.8,0Z",
    P: "M-0.33,-1H0.33V-0.33H1V0.33H0.33V1H-0.33V0.33H-1V-0.33H-0.33Z",
    p: "M0,-1L0.95,-0.31L0.59,0.81H-0.59L-0.95,-0.31Z",
    h: "M0,-1L0.87,-0.5V0.5L0,1L-0.87,0.5V-0.5Z",
    X: "M-1,-0.6L-0.6,-1L0,-0.4L0.6,-1L1,-0.6L0.4,0L1,0.6L0.6,1L0,0.4L-0.6,1L-1,0.6L-0.4,0Z",
  };

  function markerDef(defs, id, shape, color, size) {
    const m = el("marker", {id: id, viewBox: "-1.3 -1.3 2.6 2.6", markerWidth: size,
      markerHeight: size, markerUnits: "userSpaceOnUse", refX: 0, refY: 0, orient: "0"}, defs);
    el("path", {d: SHAPES[shape] || SHAPES.o, fill: color, stroke: "none"}, m);
    return "url(#" + id + ")";
  }

  /* One explorer on the page. */
  class Live {
    constructor(figure, data) {
      this.fig = figure;
      this.data = data;
      this.q = data.q;
      this.svg = figure.querySelector("svg");
      this.readout = figure.querySelector(".live-readout");
      this.note = figure.querySelector(".live-note");
      this.stepInput = figure.querySelector(".live-step");
      this.stepOut = figure.querySelector(".live-step-value");
      this.button = figure.querySelector(".live-play");
      this.inputs = Array.from(figure.querySelectorAll("input.live-slider"));
      this.cache = new Map();
      this.playing = null;
      this.build();
      for (const input of this.inputs) input.addEventListener("input", () => this.moved(input));
      this.stepInput.addEventListener("input", () => this.drawStep(+this.stepInput.value));
      this.button.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
      this.update();
    }

    // pixel position of a stored value (1/q of the axis) inside an axes box
    px(box, f) { return box[0] + (box[2] - box[0]) * f / this.q; }
    py(box, f) { return box[3] - (box[3] - box[1]) * f / this.q; }

    build() {
      const d = this.data, key = this.fig.dataset.explorer;
      const defs = el("defs", {}, this.svg);
      this.layers = [];
      for (const [name, box] of Object.entries(d.boxes)) {
        const clip = el("clipPath", {id: key + "-clip-" + name}, defs);
        el("rect", {x: box[0], y: box[1], width: box[2] - box[0], height: box[3] - box[1]}, clip);
      }
      const path = el("g", {"clip-path": "url(#" + key + "-clip-path)"}, this.svg);
      const loss = el("g", {"clip-path": "url(#" + key + "-clip-loss)"}, this.svg);
      const marks = el("g", {}, this.svg);
      const optimizers = d.optimizers;
      optimizers.forEach((o, i) => {
        const width = 1.6;
        const dash = o.dash.map((v) => v * width).join(" ");
        const common = {fill: "none", stroke: o.color, "stroke-width": width,
          "stroke-linejoin": "round"};
        if (dash) common["stroke-dasharray"] = dash;
        let dots = null;
        if (d.kind === "surface") {  // about DOTS points of the path in the optimizer's marker
          const dot = markerDef(defs, key + "-m" + i, o.marker, o.color, 6);
          dots = el("polyline", {fill: "none", stroke: "none", "marker-start": dot,
            "marker-mid": dot, "marker-end": dot}, path);
        }
        const layer = {
          path: el("polyline", common, path),
          loss: el("polyline", Object.assign({}, common), loss),
          end: el("path", {fill: o.color, stroke: "#000", "stroke-width": 0.6}, marks),
          dots: dots,
        };
        this.layers.push(layer);
      });
      if (d.kind === "surface") {
        const b = d.boxes.path;
        el("circle", {cx: this.px(b, d.start[0]), cy: this.py(b, d.start[1]), r: 4.5,
          fill: "#fff", stroke: "#000", "stroke-width": 1.3}, marks);
      }
    }

    // the slider indices as the key of a run: "3,1,2"
    indices(group) {
      return this.inputs.filter((i) => i.dataset.group === String(group)).map((i) => +i.value);
    }

    moved(input) {
      const d = this.data;
      this.note.textContent = "";
      if (d.kind === "surface") {
        // beta1 and beta2 are precomputed one at a time: the other goes back to its start
        const group = this.inputs.filter((i) => i.dataset.group === input.dataset.group);
        const betas = group.slice(1);
        if (betas.includes(input)) {
          for (const other of betas) {
            if (other !== input && other.value !== other.dataset.start) {
              other.value = other.dataset.start;
              this.label(other);
              this.note.textContent = "In the book, " + betas.map((b) => b.dataset.key)
                .join(" and ") + " move one at a time: " + other.dataset.key +
                " went back to " + other.getAttribute("aria-valuetext") +
                ". The notebook's explorer takes any combination.";
            }
          }
        }
      }
      this.label(input);
      this.update();
    }

    label(input) {
      const text = JSON.parse(input.dataset.labels)[+input.value];
      input.setAttribute("aria-valuetext", text);
      const out = this.fig.querySelector("output[for='" + input.id + "']");
      if (out) out.textContent = text;
    }

    // decode the current setting's runs (cached), set the readout, draw at the step
    update() {
      const d = this.data;
      let lines;
      if (d.kind === "surface") {
        this.runs = d.optimizers.map((o, g) => this.run(o.runs, this.indices(g).join(","),
          (r) => this.surfaceRun(r)));
        lines = this.runs.map((r) => r.text);
      } else {
        const entry = this.run(d.runs, this.indices(0).join(","), (e) => this.onlineEntry(e));
        this.runs = entry.paths;
        lines = entry.text;
      }
      this.readout.replaceChildren(...lines.map((line) => {
        const div = document.createElement("div");
        div.textContent = line;
        return div;
      }));
      this.drawStep(+this.stepInput.value);
    }

    // a run of `table` decoded once, then kept
    run(table, key, prepare) {
      let cached = this.cache.get(table);
      if (!cached) { cached = new Map(); this.cache.set(table, cached); }
      if (!cached.has(key)) cached.set(key, prepare(table[key]));
      return cached.get(key);
    }

    surfaceRun(r) {
      return {t: cumsum(r.t), x: cumsum(r.x), y: cumsum(r.y), l: cumsum(r.l), end: r.end,
        div: r.div, text: r.text};
    }

    onlineEntry(e) {
      return {text: e.text, paths: e.paths.map((p) => ({t: cumsum(p.t), lo: cumsum(p.lo),
        hi: cumsum(p.hi), rt: cumsum(p.rt), r: cumsum(p.r)}))};
    }

    // draw every run up to step `step` (the whole run at the last step)
    drawStep(step) {
      const d = this.data, steps = d.steps;
      this.stepInput.setAttribute("aria-valuetext", "step " + step + " of " + steps);
      this.stepOut.textContent = step + " / " + steps;
      if (d.kind === "surface") this.drawSurface(step); else this.drawOnline(step);
    }

    drawSurface(step) {
      const d = this.data, P = d.boxes.path, L = d.boxes.loss, steps = d.steps;
      this.runs.forEach((r, i) => {
        const layer = this.layers[i];
        let n = 0;
        while (n < r.t.length && r.t[n] <= step) n++;
        const pts = [], curve = [];
        for (let k = 0; k < n; k++) {
          pts.push(this.px(P, r.x[k]).toFixed(1) + "," + this.py(P, r.y[k]).toFixed(1));
          curve.push(this.px(L, r.t[k] / steps * this.q).toFixed(1) + "," +
                     this.py(L, r.l[k]).toFixed(1));
        }
        layer.path.setAttribute("points", pts.join(" "));
        const every = Math.max(1, Math.ceil(r.t.length / DOTS));
        layer.dots.setAttribute("points", pts.filter((_, k) => k % every === 0).join(" "));
        layer.loss.setAttribute("points", curve.join(" "));
        const last = n === r.t.length;
        const diverged = last && r.div !== null;
        const at = diverged ? r.end : [r.x[n - 1], r.y[n - 1]];
        const size = diverged ? 6 : 4.5;
        const shape = diverged ? SHAPES.X : SHAPES.o;
        layer.end.setAttribute("d", shape);
        layer.end.setAttribute("transform", "translate(" + this.px(P, at[0]).toFixed(1) + "," +
          this.py(P, at[1]).toFixed(1) + ") scale(" + size + ")");
        layer.end.setAttribute("stroke-width", (0.6 / size).toFixed(3));
      });
    }

    drawOnline(step) {
      const d = this.data, P = d.boxes.path, R = d.boxes.loss, q = this.q;
      const lt = Math.log10(d.steps);
      this.runs.forEach((r, i) => {
        const layer = this.layers[i];
        const band = [], curve = [];
        for (let k = 0; k < r.t.length; k++) {
          if (r.t[k] > step) break;
          const x = this.px(P, r.t[k] / d.steps * q).toFixed(1);
          band.push(x + "," + this.py(P, r.lo[k]).toFixed(1));
          if (r.hi[k] !== r.lo[k]) band.push(x + "," + this.py(P, r.hi[k]).toFixed(1));
        }
        for (let k = 0; k < r.rt.length; k++) {
          if (r.rt[k] > step) break;
          curve.push(this.px(R, Math.log10(r.rt[k]) / lt * q).toFixed(1) + "," +
                     this.py(R, r.r[k]).toFixed(1));
        }
        layer.path.setAttribute("points", band.join(" "));
        layer.loss.setAttribute("points", curve.join(" "));
        layer.end.setAttribute("d", "");
      });
    }

    play() {
      const steps = this.data.steps;
      let t0 = null;
      let from = +this.stepInput.value;
      if (from >= steps) from = 0;
      this.button.textContent = "Pause";
      this.button.setAttribute("aria-pressed", "true");
      const frame = (now) => {
        if (t0 === null) t0 = now;
        const step = Math.min(steps, Math.round(from + (now - t0) / PLAY_MS * steps));
        this.stepInput.value = step;
        this.drawStep(step);
        if (step >= steps) { this.pause(); return; }
        this.playing = requestAnimationFrame(frame);
      };
      this.playing = requestAnimationFrame(frame);
    }

    pause() {
      if (this.playing) cancelAnimationFrame(this.playing);
      this.playing = null;
      this.button.textContent = "Play";
      this.button.setAttribute("aria-pressed", "false");
    }
  }

  async function start(figure) {
    const key = figure.dataset.explorer;
    const b64 = (window.ADAMEDU_EXPLORERS || {})[key];
    if (!b64 || typeof DecompressionStream === "undefined") return;
    const data = await decode(b64);
    const live = new Live(figure, data);
    figure.hidden = false;
    const still = document.getElementById(figure.dataset.still);
    if (still) still.hidden = true;
    figure.live = live;
    // unfold the paths once when the figure first comes into view, unless motion is unwelcome
    if (!REDUCED && "IntersectionObserver" in window) {
      const seen = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          seen.disconnect();
          live.stepInput.value = 0;
          live.play();
        }
      }, {threshold: 0.6});
      seen.observe(figure);
    }
  }

  function startAll() {
    const figures = document.querySelectorAll("figure.live[data-explorer]");
    window.adamedu = {ready: Promise.all(Array.from(figures, (f) => start(f).catch((err) => {
      console.warn("adamedu explorer: the still image stays:", err);
    })))};
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();
