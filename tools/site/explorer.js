/* The book's live explorers: controls and step-by-step animation without a kernel.
   Plain JavaScript, no library. tools/live_figure.py writes each explorer's controls into
   the page (a <figure class="live" hidden>, next to the still image of the notebook) and
   its data into _static/explorers/<key>.js: window.ADAMEDU_EXPLORERS[key], base64 of
   zlib-compressed JSON computed at build time by adamedu (tools/explorer_data.py).
   This script decodes the data, draws the paths and curves as SVG over the background
   image (the wide one, or on a narrow screen the one with stacked panels), and swaps the
   still image for the live figure. Marker shapes come with the data (drawn by matplotlib's
   own marker paths); a marker the data lacks is an error, and the still image stays.
   Without scripts, or if anything fails, the still image and its text readout stay. */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const REDUCED = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const NARROW = window.matchMedia ? window.matchMedia("(max-width: 40rem)") : null;
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

  /* One explorer on the page. */
  class Live {
    constructor(figure, data) {
      this.fig = figure;
      this.data = data;
      this.q = data.q;
      this.svg = figure.querySelector(".live-plot svg");
      this.img = figure.querySelector(".live-plot img");
      this.plot = figure.querySelector(".live-plot");
      this.folder = this.img.getAttribute("src").replace(/[^/]*$/, "");
      this.readout = figure.querySelector(".live-readout");
      this.note = figure.querySelector(".live-note");
      this.stepInput = figure.querySelector(".live-step");
      this.stepOut = figure.querySelector(".live-step-value");
      this.button = figure.querySelector(".live-play");
      this.inputs = Array.from(figure.querySelectorAll("input.live-slider, input.live-toggle"));
      this.cache = new Map();
      this.playing = null;
      for (const o of data.optimizers) if (data.kind !== "online") this.shape(o.marker);
      this.layout();
      for (const input of this.inputs) {
        input.addEventListener(input.type === "checkbox" ? "change" : "input",
          () => this.moved(input));
      }
      this.stepInput.addEventListener("input", () => this.drawStep(+this.stepInput.value));
      this.button.addEventListener("click", () => (this.playing ? this.pause(true) : this.play()));
      if (NARROW) NARROW.addEventListener("change", () => { this.layout(); this.update(); });
      this.update();
    }

    // a marker's shape, as matplotlib draws it (from the data: never guessed)
    shape(code) {
      const s = (this.data.shapes || {})[code];
      if (!s) throw new Error("the data has no shape for marker " + JSON.stringify(code));
      return s;
    }

    // pixel position of a stored value (1/q of the axis) inside an axes box
    px(box, f) { return box[0] + (box[2] - box[0]) * f / this.q; }
    py(box, f) { return box[3] - (box[3] - box[1]) * f / this.q; }

    // the background for the screen's width: panels side by side, or stacked on a phone
    layout() {
      const name = NARROW && NARROW.matches ? "narrow" : "wide";
      const L = this.data.layouts[name];
      this.boxes = L.boxes;
      const [w, h] = L.size;
      this.img.src = this.folder + L.png;
      this.img.width = w;
      this.img.height = h;
      this.plot.style.aspectRatio = w + " / " + h;
      this.plot.style.maxWidth = w + "px";
      this.svg.setAttribute("viewBox", "0 0 " + w + " " + h);
      this.svg.replaceChildren();
      this.build(w, h);
    }

    build(w, h) {
      const d = this.data, key = this.fig.id;
      const defs = el("defs", {}, this.svg);
      const boxes = Object.assign({all: [0, 0, w, h]}, this.boxes);
      const groups = {};
      for (const [name, box] of Object.entries(boxes)) {
        const clip = el("clipPath", {id: key + "-clip-" + name}, defs);
        el("rect", {x: box[0], y: box[1], width: box[2] - box[0], height: box[3] - box[1]}, clip);
        groups[name] = el("g", {"clip-path": "url(#" + key + "-clip-" + name + ")"}, this.svg);
      }
      const marks = groups.all;   // end marks: on the window's edge at most, never off the figure
      this.layers = d.optimizers.map((o, i) => {
        const width = 1.6;
        const dash = o.dash.map((v) => v * width).join(" ");
        const common = {fill: "none", stroke: o.color, "stroke-width": width,
          "stroke-linejoin": "round"};
        if (dash) common["stroke-dasharray"] = dash;
        const layer = {};
        if (groups.path) layer.path = el("polyline", Object.assign({class: "live-path"}, common), groups.path);
        if (d.kind === "surface") {  // about DOTS points of the path in the optimizer's marker
          const dot = this.markerDef(defs, key + "-m" + i, o.marker, o.color, 6);
          layer.dots = el("polyline", {fill: "none", stroke: "none", "marker-start": dot,
            "marker-mid": dot, "marker-end": dot}, groups.path);
          layer.end = el("path", {class: "live-end"}, marks);
        }
        layer.loss = el("polyline", Object.assign({class: "live-loss"}, common), groups.loss);
        return layer;
      });
      if (d.kind === "surface") {
        const b = this.boxes.path;
        el("circle", {cx: this.px(b, d.start[0]), cy: this.py(b, d.start[1]), r: 4.5,
          fill: "#fff", stroke: "#000", "stroke-width": 1.3}, marks);
      }
    }

    markerDef(defs, id, code, color, size) {
      const s = this.shape(code);
      const m = el("marker", {id: id, viewBox: "-1.3 -1.3 2.6 2.6", markerWidth: size,
        markerHeight: size, markerUnits: "userSpaceOnUse", refX: 0, refY: 0, orient: "0"}, defs);
      el("path", s.filled ? {d: s.d, fill: color, stroke: "none"}
        : {d: s.d, fill: "none", stroke: color, "stroke-width": 0.3}, m);
      return "url(#" + id + ")";
    }

    value(input) { return input.type === "checkbox" ? (input.checked ? 1 : 0) : +input.value; }

    // the controls' indices as the key of a run: "3,1,2"
    indices(group) {
      return this.inputs.filter((i) => i.dataset.group === String(group)).map((i) => this.value(i));
    }

    moved(input) {
      const d = this.data;
      this.note.textContent = "";
      if (d.kind === "surface") {
        // the controls after lr are precomputed one at a time: the others go back to their start
        const group = this.inputs.filter((i) => i.dataset.group === input.dataset.group);
        const others = group.slice(1);
        if (others.includes(input)) {
          const reset = [];
          for (const other of others) {
            if (other !== input && String(this.value(other)) !== other.dataset.start) {
              if (other.type === "checkbox") other.checked = other.dataset.start === "1";
              else other.value = other.dataset.start;
              this.label(other);
              reset.push(other.dataset.key + " went back to " +
                JSON.parse(other.dataset.labels)[+other.dataset.start]);
            }
          }
          if (reset.length) {
            this.note.textContent = "In the book, " + others.map((b) => b.dataset.key)
              .join(", ") + " move one at a time: " + reset.join(", ") +
              ". The notebook's explorer takes any combination.";
          }
        }
      }
      this.label(input);
      this.update();
    }

    label(input) {
      if (input.type === "checkbox") return;
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
        lines = [].concat(...this.runs.map((r) => r.lines));
      } else {
        const entry = this.run(d.runs, this.indices(0).join(","), (e) => this.entry(e));
        this.runs = entry.paths;
        lines = entry.lines;
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
        mark: r.mark, div: r.div, lines: r.lines};
    }

    entry(e) {
      const sums = (p) => {
        const out = {};
        for (const k in p) out[k] = Array.isArray(p[k]) ? cumsum(p[k]) : p[k];
        return out;
      };
      return {lines: e.lines, paths: e.paths.map(sums)};
    }

    // draw every run up to step `step` (the whole run at the last step)
    drawStep(step) {
      const d = this.data, steps = d.steps;
      this.stepInput.setAttribute("aria-valuetext", "step " + step + " of " + steps);
      this.stepOut.textContent = step + " / " + steps;
      if (d.kind === "surface") this.drawSurface(step);
      else if (d.kind === "online") this.drawOnline(step);
      else this.drawNoise(step);
    }

    curve(r, step, box) {
      const pts = [];
      for (let k = 0; k < r.t.length && r.t[k] <= step; k++) {
        pts.push(this.px(box, r.t[k] / this.data.steps * this.q).toFixed(1) + "," +
                 this.py(box, r.l[k]).toFixed(1));
      }
      return pts.join(" ");
    }

    drawSurface(step) {
      const d = this.data, P = this.boxes.path, L = this.boxes.loss;
      this.runs.forEach((r, i) => {
        const layer = this.layers[i], o = d.optimizers[i];
        let n = 0;
        while (n < r.t.length && r.t[n] <= step) n++;
        const pts = [];
        for (let k = 0; k < n; k++) {
          pts.push(this.px(P, r.x[k]).toFixed(1) + "," + this.py(P, r.y[k]).toFixed(1));
        }
        layer.path.setAttribute("points", pts.join(" "));
        const every = Math.max(1, Math.ceil(n / DOTS));
        layer.dots.setAttribute("points", pts.filter((_, k) => k % every === 0).join(" "));
        layer.loss.setAttribute("points", this.curve(r, step, L));
        // the end: the optimizer's own marker; ◆ where a path that ends off-screen last
        // leaves the window, ✕ where a diverged one does (as the kernel's figure marks them)
        const last = n === r.t.length;
        const at = last ? r.end : [r.x[n - 1], r.y[n - 1]];
        const code = last && r.mark !== "o" ? r.mark : o.marker;
        const s = this.shape(code), size = code === o.marker ? 5 : 6;
        layer.end.setAttribute("d", s.d);
        layer.end.setAttribute("fill", s.filled ? o.color : "none");
        layer.end.setAttribute("stroke", s.filled ? "#000" : o.color);
        layer.end.setAttribute("stroke-width", ((s.filled ? 0.6 : 1.6) / size).toFixed(3));
        layer.end.setAttribute("transform", "translate(" + this.px(P, at[0]).toFixed(1) + "," +
          this.py(P, at[1]).toFixed(1) + ") scale(" + size + ")");
      });
    }

    drawOnline(step) {
      const d = this.data, P = this.boxes.path, R = this.boxes.loss, q = this.q;
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
      });
    }

    drawNoise(step) {
      this.runs.forEach((r, i) => {
        this.layers[i].loss.setAttribute("points", this.curve(r, step, this.boxes.loss));
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
        if (step >= steps) { this.pause(true); return; }
        this.playing = requestAnimationFrame(frame);
      };
      this.playing = requestAnimationFrame(frame);
    }

    // stop the animation; the step it stopped at is announced once (not every frame)
    pause(announce) {
      if (this.playing) cancelAnimationFrame(this.playing);
      const was = this.playing !== null;
      this.playing = null;
      this.button.textContent = "Play";
      this.button.setAttribute("aria-pressed", "false");
      if (announce && was) {
        this.note.textContent = "Stopped at step " + this.stepInput.value + " of " +
          this.data.steps + ".";
      }
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
