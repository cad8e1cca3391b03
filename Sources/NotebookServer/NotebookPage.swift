import Repl

/// The live notebook's page: one self-contained document (no CDN, no other files). Prose and
/// outputs arrive from the server already rendered by the exporter's renderer
/// (`Notebook.cellHTML`) and use its style sheet; the script below only edits cells, sends
/// requests and places what comes back.
enum NotebookPage {
    static let style = """
    :root{--accent:#0969da;--err:#cf222e;--warn:#9a6700;--ok:#1a7f37;--panel:#f6f8fa}
    @media (prefers-color-scheme:dark){:root{--accent:#4493f8;--err:#f85149;--warn:#d29922;--ok:#3fb950;\
    --panel:#151b23}}
    header.top{position:sticky;top:0;z-index:5;background:var(--bg);border-bottom:1px solid var(--border);\
    display:flex;gap:.5rem;align-items:center;padding:.5rem 1.25rem;font-size:.9rem}
    header.top .name{font-weight:600;margin-right:auto}
    header.top .state{color:var(--muted);min-width:6rem;text-align:right}
    button{font:inherit;font-size:.8rem;color:var(--fg);background:var(--panel);border:1px solid var(--border);\
    border-radius:6px;padding:.15rem .55rem;cursor:pointer}
    button:hover{border-color:var(--accent)}
    section.cell{position:relative;margin:.4rem 0;padding:.2rem .4rem;border-left:3px solid transparent;\
    border-radius:4px}
    section.cell:focus-within{border-left-color:var(--accent)}
    section.cell .bar{display:flex;gap:.25rem;align-items:center;font-size:.75rem;height:1.6rem}
    section.cell .bar button{opacity:.25}
    section.cell:hover .bar button,section.cell:focus-within .bar button{opacity:1}
    section.cell .st{margin-right:auto;color:var(--muted);font:12px ui-monospace,monospace}
    textarea.src{box-sizing:border-box;width:100%;resize:none;overflow:hidden;margin:0;padding:.6rem .8rem;\
    font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--fg);background:var(--code);\
    border:1px solid var(--border);border-radius:6px;tab-size:4}
    textarea.src:focus{outline:none;border-color:var(--accent)}
    .prose{cursor:text;min-height:1.2rem}
    .prose:empty::before{content:"(empty text: click to write)";color:var(--muted)}
    .running .st{color:var(--accent)}.queued .st{color:var(--muted)}
    .error{border-left-color:var(--err)!important}.error .st{color:var(--err)}
    .stopped{border-left-color:var(--warn)!important}.stopped .st{color:var(--warn)}
    .stale .out,.stale pre.live{opacity:.45}
    .stale .st::after{content:" · stale";color:var(--warn)}
    pre.live{border-left:3px solid var(--accent)}
    .fold{color:var(--muted)}
    .completions{display:flex;flex-wrap:wrap;gap:.25rem;margin:.3rem 0}
    .completions button{font-family:ui-monospace,monospace}
    .conn-lost header.top{border-bottom-color:var(--err)}
    """

    static let script = #"""
    "use strict";
    const $ = (t, c, h) => { const e = document.createElement(t); if (c) e.className = c; if (h) e.textContent = h;
      return e; };
    const main = document.querySelector("main"), state = document.getElementById("state");
    const conn = document.getElementById("conn");
    const cells = new Map();
    let ws = null, req = 0, ready = false;
    const completionWaiters = new Map();
    // When each cell's first output line arrived, in ms after its Run (for measuring).
    const runAt = {}; window.xaiTimes = {};
    function firstOutput(id) {
      if (runAt[id] !== undefined && !(id in window.xaiTimes)) window.xaiTimes[id] = performance.now() - runAt[id];
      }
    if (location.search.includes("token=")) history.replaceState(null, "", "/");

    function send(m) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(m)); }
    function connect() {
      ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
      ws.onopen = () => { conn.textContent = "connected"; document.body.classList.remove("conn-lost");
        send({op: "hello"}); };
      ws.onmessage = e => handle(JSON.parse(e.data));
      ws.onclose = () => { conn.textContent = "reconnecting…"; document.body.classList.add("conn-lost");
        setTimeout(connect, 700); };
    }
    function handle(m) {
      switch (m.type) {
      case "state": renderAll(m); break;
      case "cell": if (m.cell.lines) firstOutput(m.cell.id); update(m.cell); break;
      case "status": setStatus(m.id, m.status); break;
      case "running": { const c = cells.get(m.id); if (c) { c.live = []; c.out.innerHTML = ""; drawLive(c);
        } setStatus(m.id, "running"); markStale(m.stale); break; }
      case "out": firstOutput(m.id); appendLive(m.id, m.lines); break;
      case "stale": markStale(m.ids); break;
      case "completion": { const w = completionWaiters.get(m.req); if (w) { completionWaiters.delete(m.req); w(m);
        } break; }
      case "saved": state.textContent = "saved"; break;
      case "saveError": state.textContent = "not saved: " + m.message; break;
      case "conflict":
        if (confirm("The file changed on disk since this notebook read it. Overwrite it with the notebook?\n"
                    + "(Cancel reads the file again, dropping the notebook's changes.)")) {
          send({op: "save", force: true});
        }
        else send({op: "reload"});
        break;
      }
    }
    function renderAll(m) {
      document.title = m.file + " · xai notebook";
      document.getElementById("name").textContent = m.file;
      const keep = new Map(cells); cells.clear(); main.textContent = "";
      for (const d of m.cells) { const old = keep.get(d.id); const c = old && old.kind === d.kind ? old : make(d);
        cells.set(d.id, c); main.appendChild(c.el); update(d); }
      markStale(m.stale);
      state.textContent = m.conflict ? "file changed on disk" : m.dirty ? "unsaved" : "saved";
      if (m.focus) { const c = cells.get(m.focus); if (c) { if (c.kind === "prose") editProse(c); c.src.focus(); } }
      ready = true; window.xaiReady = true;
    }
    function make(d) {
      const el = $("section", "cell " + d.kind), bar = $("div", "bar"), st = $("span", "st");
      const c = {id: d.id, kind: d.kind, el, st, live: null, timer: null, status: ""};
      el.dataset.id = d.id;
      bar.appendChild(st);
      const button = (label, title, f) => { const b = $("button", "", label); b.title = title; b.dataset.action = title;
        b.onclick = f; bar.appendChild(b); };
      if (d.kind === "code") button("▶", "run", () => run([c.id]));
      if (d.kind === "code") button("▶▶", "run from here", () => runFrom(c.id));
      button("↑", "move up", () => send({op: "move", id: c.id, by: -1}));
      button("↓", "move down", () => send({op: "move", id: c.id, by: 1}));
      button("+ code", "insert code below", () => { flush(c); send({op: "insert", after: c.id, kind: "code"}); });
      button("+ text", "insert text below", () => { flush(c); send({op: "insert", after: c.id, kind: "prose"}); });
      button("✕", "delete", () => send({op: "delete", id: c.id}));
      el.appendChild(bar);
      c.src = $("textarea", "src"); c.src.spellcheck = false; c.src.rows = 1;
      c.src.addEventListener("input", () => { grow(c.src); clearTimeout(c.timer);
        c.timer = setTimeout(() => flush(c), 300); });
      c.src.addEventListener("keydown", e => keys(c, e));
      if (d.kind === "prose") {
        c.prose = $("div", "prose"); c.prose.onclick = e => { if (!e.target.closest("a")) editProse(c); };
        c.src.hidden = true; c.src.addEventListener("blur", () => { flush(c); c.src.hidden = true;
          c.prose.hidden = false; });
        el.appendChild(c.prose);
      }
      el.appendChild(c.src);
      c.choices = $("div", "completions"); c.choices.hidden = true; el.appendChild(c.choices);
      c.livePre = $("pre", "output live"); c.livePre.hidden = true; el.appendChild(c.livePre);
      c.out = $("div", "out"); el.appendChild(c.out);
      return c;
    }
    function editProse(c) { c.prose.hidden = true; c.src.hidden = false; grow(c.src); c.src.focus(); }
    function grow(t) { t.style.height = "auto"; t.style.height = (t.scrollHeight + 2) + "px"; }
    function flush(c) { clearTimeout(c.timer); c.timer = null; if (c.sent !== c.src.value) { c.sent = c.src.value;
      send({op: "edit", id: c.id, text: c.src.value}); } }
    function update(d) {
      const c = cells.get(d.id); if (!c) return;
      if (document.activeElement !== c.src || c.sent === undefined) { c.src.value = d.text; c.sent = d.text;
        grow(c.src); }
      if (c.kind === "prose") c.prose.innerHTML = d.html;
      else { c.out.innerHTML = d.html; c.live = null; c.livePre.hidden = true; c.lines = d.lines; }
      setStatus(d.id, d.status);
    }
    function setStatus(id, s) {
      const c = cells.get(id); if (!c) return;
      c.el.classList.remove("queued", "running", "error", "stopped", "ok"); if (s) c.el.classList.add(s);
      c.status = s;
        c.st.textContent = s === "ok" ? "✓" : s === "running" ? "running…" : s;
    }
    function markStale(ids) { const set = new Set(ids || []);
      for (const c of cells.values()) c.el.classList.toggle("stale", set.has(c.id)); }
    function appendLive(id, lines) {
      const c = cells.get(id); if (!c) return;
      if (!c.live) c.live = [];
      for (const l of lines) c.live.push(l);
      if (!c.drawing) { c.drawing = true; requestAnimationFrame(() => { c.drawing = false; drawLive(c); }); }
    }
    // A long output shows its first and last lines while it runs; the whole of it comes with
    // the finished cell (folded as the exported notebook folds it).
    function drawLive(c) {
      const l = c.live; if (!l) return;
      c.livePre.hidden = l.length === 0;
      c.livePre.textContent = l.length <= 60 ? l.join("\n")
        : l.slice(0, 8).join("\n") + "\n⋮ " + (l.length - 48) + " more lines\n" + l.slice(-40).join("\n");
    }
    function ordered() {
      return [...main.querySelectorAll("section.cell")].map(e => cells.get(+e.dataset.id)).filter(Boolean);
      }
    function flushAll() { for (const c of cells.values()) if (c.timer || c.sent !== c.src.value) flush(c); }
    function run(ids) { flushAll(); for (const id of ids) { runAt[id] = performance.now(); delete window.xaiTimes[id];
      } send({op: "run", ids}); }
    function runFrom(id) { const all = ordered().filter(c => c.kind === "code");
      const k = all.findIndex(c => c.id === id); run(all.slice(Math.max(0, k)).map(c => c.id)); }
    function keys(c, e) {
      if (e.key === "Enter" && (e.shiftKey || e.ctrlKey)) {
        e.preventDefault();
        if (c.kind === "code") run([c.id]); else c.src.blur();
        if (e.shiftKey) { const all = ordered(); const next = all[all.indexOf(c) + 1];
          if (next) { if (next.kind === "prose") editProse(next); else next.src.focus(); } }
      } else if (e.key === "Tab" && c.kind === "code" && !e.shiftKey) {
        e.preventDefault(); complete(c);
      } else if (e.key === "Escape") { c.choices.hidden = true; }
    }
    function insertAt(t, text) { const p = t.selectionStart; t.setRangeText(text, p, t.selectionEnd, "end");
      t.dispatchEvent(new Event("input")); }
    function complete(c) {
      const t = c.src, before = t.value.slice(0, t.selectionStart), line = before.slice(before.lastIndexOf("\n") + 1);
      const id = ++req;
      completionWaiters.set(id, m => {
        c.choices.textContent = ""; c.choices.hidden = true;
        if (m.insert) { insertAt(t, m.insert); return; }
        if (!m.candidates.length) { if (!/\S/.test(line)) insertAt(t, "    "); return; }
        for (const name of m.candidates) {
          const b = $("button", "", name);
          b.onclick = () => { insertAt(t, name.slice(m.partial.length)); c.choices.hidden = true; t.focus(); };
          c.choices.appendChild(b);
        }
        c.choices.hidden = false;
      });
      send({op: "complete", req: id, line});
    }
    document.getElementById("runall").onclick = () => run(ordered().filter(c => c.kind === "code").map(c => c.id));
    document.getElementById("stop").onclick = () => send({op: "stop"});
    document.getElementById("save").onclick = () => {
      flushAll(); state.textContent = "saving…"; send({op: "save"}); };
    document.getElementById("add").onclick = () => { const all = ordered();
      send({op: "insert", after: all.length ? all[all.length - 1].id : null, kind: "code"}); };
    document.addEventListener("keydown", e => { if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault();
      document.getElementById("save").click(); } });
    connect();
    """#

    static let html = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1"/>
    <title>xai notebook</title>
    <style>
    \(Notebook.style)
    \(style)
    </style>
    </head>
    <body>
    <header class="top"><span class="name" id="name">xai notebook</span>
    <button id="runall" title="run every cell in order">Run all</button>
    <button id="stop" title="stop the running cell at its next safe point (as Ctrl-C)">■ Stop</button>
    <button id="save" title="save the .xai script (Ctrl-S)">Save</button>
    <button id="add" title="add a code cell at the end">+ code</button>
    <span class="state" id="state"></span><span class="state" id="conn">connecting…</span></header>
    <main></main>
    <script>
    \(script)
    </script>
    </body>
    </html>

    """
}
