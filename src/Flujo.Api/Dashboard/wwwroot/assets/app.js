// Flujo's live run dashboard: a small single-page app over the run API (GET /api/pipelines, /api/runs,
// /api/runs/{id}, /api/runs/{id}/timeline; POST start, resume, cancel). Plain DOM, no library, no inline script (CSP).
// Every piece of run data reaches the page as text nodes or attribute values, never as HTML.
'use strict';

(() => {
  const API_BASE = document.querySelector('meta[name="flujo-api"]').getAttribute('content');
  // The Functions app checks a function key on every call: the page carries the one it was opened with.
  const CODE = new URLSearchParams(location.search).get('code');
  const PAGE_SIZE = 50;
  const STATUSES = ['running', 'paused', 'completed', 'failed', 'cancelled', 'usage_limit_exceeded'];
  const ENDED = new Set(['completed', 'failed', 'cancelled', 'usage_limit_exceeded']);

  // ---- HTTP -------------------------------------------------------------------------------------------------------

  function apiUrl(path, params) {
    const url = new URL(API_BASE + path, location.href);
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    if (CODE) url.searchParams.set('code', CODE);
    return url.toString();
  }

  /** Calls the API; resolves to { ok, status, data } (data: the JSON body or null), rejects only when nothing answered. */
  async function api(method, path, options) {
    const init = { method, headers: { Accept: 'application/json' } };
    if (options && options.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    const response = await fetch(apiUrl(path, options && options.params), init);
    const type = response.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await response.json().catch(() => null) : null;
    return { ok: response.ok, status: response.status, data };
  }

  const seg = encodeURIComponent;

  // ---- DOM helpers (text only) ------------------------------------------------------------------------------------

  /** Creates an element; props are properties/attributes (on* = listeners); children are nodes or text. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') el[key] = value;
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function replace(el, ...children) {
    el.replaceChildren();
    return append(el, children);
  }

  // ---- Formatting -------------------------------------------------------------------------------------------------

  function statusBadge(status) {
    const s = status || 'pending';
    return h('span', { class: `badge status-${s}`, 'data-status': s }, s.replace(/_/g, ' '));
  }

  function when(iso) {
    if (!iso) return h('span', { class: 'muted' }, '—');
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return h('span', { class: 'muted' }, '—');
    return h('time', { datetime: date.toISOString(), title: date.toLocaleString() }, relative(date));
  }

  function relative(date) {
    const seconds = Math.round((Date.now() - date.getTime()) / 1000);
    if (seconds < 5) return 'just now';
    if (seconds < 60) return `${seconds} s ago`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return `${minutes} min ago`;
    const hours = Math.round(minutes / 60);
    if (hours < 24) return `${hours} h ago`;
    return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  function duration(ms) {
    if (ms === undefined || ms === null || Number.isNaN(ms)) return '—';
    if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
    return `${Math.floor(m / 60)} h ${m % 60} min`;
  }

  function cost(usd) {
    const n = Number(usd || 0);
    if (n === 0) return '$0';
    return n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(n < 1 ? 3 : 2)}`;
  }

  function tokens(t) {
    const n = tokenCount(t);
    return n.toLocaleString('en-US');
  }

  function tokenCount(t) {
    if (typeof t === 'number') return t;
    if (t && typeof t === 'object') return Number(t.total ?? ((t.prompt || 0) + (t.completion || 0)));
    return 0;
  }

  function json(value) {
    return h('pre', { class: 'json' }, value === undefined ? '' : JSON.stringify(value, null, 2));
  }

  function problemBox(result, fallback) {
    const problem = result && result.data;
    const box = h('div', { class: 'errors', role: 'alert' },
      h('strong', null, (problem && problem.title) || fallback || `The request failed (${result ? result.status : 'no answer'}).`));
    if (problem && problem.detail) append(box, [h('div', null, problem.detail)]);
    if (problem && Array.isArray(problem.errors) && problem.errors.length) {
      append(box, [h('ul', { class: 'error-list' }, problem.errors.map(e => h('li', null, String(e))))]);
    }
    return box;
  }

  function time(iso) {
    const t = iso ? new Date(iso).getTime() : NaN;
    return Number.isNaN(t) || t <= 0 ? null : t;
  }

  // ---- Router -----------------------------------------------------------------------------------------------------

  const view = document.getElementById('view');
  const live = document.getElementById('live');
  let current = null; // { stop() } of the view on screen

  function route() {
    if (current) current.stop();
    live.hidden = true;
    const hash = location.hash.replace(/^#/, '') || '/runs';
    const [path, query] = hash.split('?');
    const params = new URLSearchParams(query || '');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === (parts[0] || 'runs') && !(parts[0] === 'runs' && parts[1]));
    if (parts[0] === 'pipelines') current = pipelinesView();
    else if (parts[0] === 'start') current = startView(params.get('pipeline'));
    else if (parts[0] === 'runs' && parts[1]) current = runView(parts[1]);
    else current = runsView(params.get('pipeline') || '', params.get('status') || '');
  }

  /** A view's poller: calls tick until stopped; the delay may change with what tick returns. */
  function poller(tick, delayMs) {
    let timer = null;
    let stopped = false;
    const loop = async () => {
      if (stopped) return;
      let next = delayMs;
      try {
        next = (await tick()) ?? delayMs;
      } catch (e) {
        showOffline(e);
      }
      if (!stopped && next > 0) timer = setTimeout(loop, next);
    };
    loop();
    return { stop() { stopped = true; clearTimeout(timer); } };
  }

  function showOffline(error) {
    let banner = document.getElementById('offline');
    if (!banner) {
      banner = h('div', { id: 'offline', class: 'errors', role: 'alert' });
      view.prepend(banner);
    }
    replace(banner, `The server did not answer (${error && error.message ? error.message : error}); retrying…`);
  }

  function clearOffline() {
    const banner = document.getElementById('offline');
    if (banner) banner.remove();
  }

  // ---- Runs -------------------------------------------------------------------------------------------------------

  function runsView(pipeline, status) {
    const pages = [null]; // continuation token of each page seen; the last is the current page
    const pipelineSelect = h('select', { id: 'filter-pipeline', 'aria-label': 'Pipeline', onchange: () => setFilter() }, h('option', { value: '' }, 'All pipelines'));
    const statusSelect = h('select', { id: 'filter-status', 'aria-label': 'Status', onchange: () => setFilter() },
      h('option', { value: '' }, 'Any status'), STATUSES.map(s => h('option', { value: s, selected: s === status }, s.replace(/_/g, ' '))));
    const body = h('div', { class: 'panel' }, h('div', { class: 'empty' }, 'Loading runs…'));
    const older = h('button', { id: 'page-older', disabled: true, onclick: () => { pages.push(nextToken); refresh(); } }, 'Older →');
    const newer = h('button', { id: 'page-newer', disabled: true, onclick: () => { pages.pop(); refresh(); } }, '← Newer');
    const pageLabel = h('span', { class: 'muted', id: 'page-label' });
    let nextToken = null;

    replace(view,
      h('h1', null, 'Runs'),
      h('p', { class: 'subtitle' }, 'Newest first. Open a run to follow its steps live.'),
      h('div', { class: 'toolbar' },
        h('label', null, 'Pipeline', pipelineSelect),
        h('label', null, 'Status', statusSelect),
        h('span', { class: 'spacer' }),
        h('a', { class: 'button primary', href: '#/start' + (pipeline ? `?pipeline=${seg(pipeline)}` : '') }, 'Start a run')),
      body);

    api('GET', 'pipelines').then(r => {
      if (!r.ok || !r.data) return;
      for (const p of r.data.pipelines || []) append(pipelineSelect, [h('option', { value: p.name, selected: p.name === pipeline }, p.name)]);
    }).catch(() => {});

    function setFilter() {
      const q = new URLSearchParams();
      if (pipelineSelect.value) q.set('pipeline', pipelineSelect.value);
      if (statusSelect.value) q.set('status', statusSelect.value);
      const s = q.toString();
      location.hash = '#/runs' + (s ? `?${s}` : '');
    }

    let poll = null;
    async function load() {
      const r = await api('GET', 'runs', { params: { pipeline, status, top: PAGE_SIZE, continuationToken: pages[pages.length - 1] } });
      clearOffline();
      if (!r.ok) {
        replace(body, problemBox(r, 'The runs could not be listed.'));
        return 10000;
      }
      const runs = r.data.runs || [];
      nextToken = r.data.continuationToken || null;
      older.disabled = !nextToken;
      newer.disabled = pages.length <= 1;
      replace(pageLabel, `Page ${pages.length}`);
      if (!runs.length) {
        replace(body, h('div', { class: 'empty' }, pipeline || status ? 'No runs match these filters.' : 'No runs yet. Start one from a pipeline.'));
      } else {
        replace(body, runsTable(runs), h('div', { class: 'pager' }, pageLabel, newer, older));
      }
      // The first page follows new runs; older pages stay as they were read.
      return pages.length === 1 ? 3000 : 0;
    }

    function refresh() {
      if (poll) poll.stop();
      poll = poller(load, 3000);
    }
    refresh();
    return { stop() { if (poll) poll.stop(); } };
  }

  function runsTable(runs) {
    return h('table', { class: 'runs' },
      h('thead', null, h('tr', null,
        h('th', null, 'Status'), h('th', null, 'Run'), h('th', null, 'Pipeline'), h('th', null, 'Step'),
        h('th', null, 'Started'), h('th', null, 'Updated'), h('th', { class: 'num' }, 'Cost'), h('th', { class: 'num' }, 'Tokens'))),
      h('tbody', null, runs.map(run => h('tr', { 'data-run-id': run.runId },
        h('td', null, statusBadge(run.status)),
        h('td', null, h('a', { class: 'mono run-link', href: `#/runs/${seg(run.runId)}` }, run.runId)),
        h('td', null, run.pipeline || '—', run.version ? h('span', { class: 'muted' }, ` v${run.version}`) : null),
        h('td', { class: 'mono' }, run.step || ''),
        h('td', null, when(run.createdAt)),
        h('td', null, when(run.lastUpdatedAt)),
        h('td', { class: 'num' }, cost(run.costUsd)),
        h('td', { class: 'num' }, tokens(run.tokens))))));
  }

  // ---- Pipelines --------------------------------------------------------------------------------------------------

  function pipelinesView() {
    const list = h('div', { class: 'pipelines' }, h('p', { class: 'muted' }, 'Loading pipelines…'));
    replace(view, h('h1', null, 'Pipelines'), h('p', { class: 'subtitle' }, 'The pipelines this app serves.'), list);
    api('GET', 'pipelines').then(r => {
      if (!r.ok) { replace(list, problemBox(r, 'The pipelines could not be listed.')); return; }
      const pipelines = r.data.pipelines || [];
      if (!pipelines.length) { replace(list, h('div', { class: 'empty' }, 'No pipelines are loaded.')); return; }
      replace(list, pipelines.map(p => h('section', { class: 'panel padded pipeline', 'data-pipeline': p.name },
        h('h3', null, p.name, h('span', { class: 'muted' }, ` v${p.version}`)),
        p.description ? h('p', { class: 'desc' }, p.description) : null,
        h('div', { class: 'steps' }, `${(p.steps || []).length} step(s): `, (p.steps || []).join(' → ')),
        h('div', { class: 'actions' },
          h('a', { class: 'button primary', href: `#/start?pipeline=${seg(p.name)}` }, 'Start a run'),
          h('a', { href: `#/runs?pipeline=${seg(p.name)}` }, 'Runs')))));
    }).catch(showOffline);
    return { stop() {} };
  }

  // ---- Start a run ------------------------------------------------------------------------------------------------

  function startView(selected) {
    const select = h('select', { id: 'start-pipeline', 'aria-label': 'Pipeline', onchange: () => showSchema() });
    const input = h('textarea', { id: 'start-input', spellcheck: 'false', placeholder: 'Leave empty to use the pipeline\'s default input, or type JSON: {"name": "Ada"}' });
    const runId = h('input', { type: 'text', id: 'start-run-id', class: 'mono', placeholder: 'generated when empty', size: 40 });
    const schema = h('div', { id: 'start-schema' });
    const feedback = h('div', { id: 'start-feedback' });
    const submit = h('button', { class: 'primary', type: 'submit', id: 'start-submit' }, 'Start run');
    let pipelines = [];

    replace(view,
      h('h1', null, 'Start a run'),
      h('p', { class: 'subtitle' }, 'The input is JSON, checked against the pipeline\'s input schema.'),
      h('form', { class: 'panel padded', id: 'start-form', onsubmit: e => { e.preventDefault(); start(); } },
        h('div', { class: 'field' }, h('label', { for: 'start-pipeline' }, 'Pipeline'), select),
        h('div', { class: 'field' }, h('label', { for: 'start-input' }, 'Input (JSON)'), input),
        schema,
        h('div', { class: 'field' }, h('label', { for: 'start-run-id' }, 'Run id (optional)'), runId),
        feedback,
        h('div', { class: 'actions' }, submit)));

    api('GET', 'pipelines').then(r => {
      if (!r.ok) { replace(feedback, problemBox(r)); return; }
      pipelines = r.data.pipelines || [];
      replace(select, pipelines.map(p => h('option', { value: p.name, selected: p.name === selected }, p.name)));
      showSchema();
    }).catch(showOffline);

    function showSchema() {
      const p = pipelines.find(x => x.name === select.value);
      replace(schema, p && p.inputSchema ? h('details', { class: 'field' }, h('summary', null, 'Input schema'), json(p.inputSchema)) : null);
    }

    async function start() {
      replace(feedback);
      const body = {};
      const text = input.value.trim();
      if (text) {
        try { body.input = JSON.parse(text); } catch (e) {
          replace(feedback, h('div', { class: 'errors', role: 'alert' }, h('strong', null, 'The input is not valid JSON. '), e.message));
          return;
        }
      }
      if (runId.value.trim()) body.runId = runId.value.trim();
      submit.disabled = true;
      try {
        const r = await api('POST', `pipelines/${seg(select.value)}/runs`, { body });
        if (r.ok && r.data && r.data.id) location.hash = `#/runs/${seg(r.data.id)}`;
        else replace(feedback, problemBox(r, 'The run was not started.'));
      } catch (e) {
        showOffline(e);
      } finally {
        submit.disabled = false;
      }
    }
    return { stop() {} };
  }

  // ---- One run ----------------------------------------------------------------------------------------------------

  function runView(id) {
    const expanded = new Set();
    const head = h('div', { class: 'run-head' });
    const summary = h('div', { class: 'summary' });
    const waits = h('div', { id: 'waits' });
    const actions = h('div', { id: 'run-actions' });
    const timeline = h('div', { class: 'panel timeline', id: 'timeline' }, h('div', { class: 'empty' }, 'Loading…'));
    const outcome = h('div', { id: 'outcome' });
    const waitForms = new Map(); // event name -> card, kept across refreshes so a half-typed answer survives
    let lastStatus = null;

    replace(view, h('p', null, h('a', { href: '#/runs' }, '← Runs')), head, actions, summary, waits, h('h2', null, 'Steps'), timeline, outcome);

    async function tick() {
      const [runR, timelineR] = await Promise.all([api('GET', `runs/${seg(id)}`), api('GET', `runs/${seg(id)}/timeline`)]);
      clearOffline();
      if (runR.status === 404) {
        replace(head, h('h1', null, 'Run not found'));
        replace(timeline, problemBox(runR));
        return 0;
      }
      if (!runR.ok) { replace(timeline, problemBox(runR)); return 5000; }
      const run = runR.data;
      const tl = timelineR.ok ? timelineR.data : null;
      const status = run.status;
      renderHead(run);
      renderSummary(run, tl);
      renderWaits(run.status === 'paused' ? run.waiting || [] : []);
      renderActions(status);
      renderTimeline(tl, run);
      renderOutcome(run, tl);
      lastStatus = status;
      const ended = ENDED.has(status);
      live.hidden = ended;
      return ended ? 0 : status === 'paused' ? 2000 : 1000;
    }

    function renderHead(run) {
      replace(head,
        h('h1', { class: 'mono', id: 'run-id' }, run.id),
        h('span', { id: 'run-status' }, statusBadge(run.status)),
        h('span', { class: 'muted' }, run.pipeline || '', run.version ? ` v${run.version}` : '', ' · started ', when(run.createdAt)));
    }

    function renderSummary(run, tl) {
      const progress = run.progress || {};
      const result = run.result || {};
      const start = time(run.createdAt);
      const end = ENDED.has(run.status) ? time(run.lastUpdatedAt) : Date.now();
      const cells = [
        ['Duration', start && end ? duration(end - start) : '—'],
        ['Steps', progress.totalSteps ? `${progress.stepsDone ?? 0} / ${progress.totalSteps}` : String((result.stepHistory || []).length)],
        ['Current step', progress.currentStep || '—'],
        ['Cost', cost(result.totalCostUsd ?? (tl && tl.totalCostUsd) ?? progress.costUsd)],
        ['Tokens', tokens(result.totalTokens ?? (tl && tl.totalTokens) ?? progress.tokens)],
      ];
      replace(summary, cells.map(([label, value]) => h('div', { class: 'cell' }, h('div', { class: 'label' }, label), h('div', { class: 'value', 'data-cell': label }, value))));
    }

    function renderActions(status) {
      if (status === lastStatus && actions.childNodes.length) return;
      if (ENDED.has(status)) { replace(actions); return; }
      const confirm = h('span', { class: 'actions', hidden: true },
        h('span', null, 'Cancel this run? Its running steps stop.'),
        h('button', { class: 'danger', id: 'cancel-confirm', onclick: () => cancel() }, 'Yes, cancel'),
        h('button', { onclick: () => { confirm.hidden = true; ask.hidden = false; } }, 'Keep running'));
      const ask = h('button', { class: 'danger', id: 'cancel-run', onclick: () => { ask.hidden = true; confirm.hidden = false; } }, 'Cancel run');
      const feedback = h('div');
      replace(actions, h('div', { class: 'actions' }, ask, confirm), feedback);

      async function cancel() {
        const r = await api('POST', `runs/${seg(id)}/cancel`);
        confirm.hidden = true;
        if (r.ok) replace(feedback, h('div', { class: 'notice' }, 'Cancelling…'));
        else { ask.hidden = false; replace(feedback, problemBox(r, 'The run was not cancelled.')); }
      }
    }

    function renderWaits(waiting) {
      const keys = new Set(waiting.map(w => w.eventName + '|' + w.stepPath));
      for (const [key, card] of waitForms) {
        if (!keys.has(key)) { card.remove(); waitForms.delete(key); }
      }
      for (const w of waiting) {
        const key = w.eventName + '|' + w.stepPath;
        if (!waitForms.has(key)) {
          const card = waitCard(id, w);
          waitForms.set(key, card);
          waits.appendChild(card);
        }
      }
    }

    function renderTimeline(tl, run) {
      const steps = (tl ? tl.stepHistory : run.result && run.result.stepHistory) || [];
      if (!steps.length) {
        replace(timeline, h('div', { class: 'empty' }, ENDED.has(run.status) ? 'No steps ran.' : 'Waiting for the first step…'));
        return;
      }
      const nodes = steps.map(s => normalizeStep(s, ''));
      const now = Date.now();
      let start = time(run.createdAt);
      let end = ENDED.has(run.status) ? null : now;
      const visit = n => {
        if (n.start && (!start || n.start < start)) start = n.start;
        const e = n.end ?? (n.start ? now : null);
        if (e && (!end || e > end)) end = e;
        n.children.forEach(visit);
        n.attempts.forEach(a => { if (a.end && (!end || a.end > end)) end = a.end; });
      };
      nodes.forEach(visit);
      const scale = { start: start || now, span: Math.max(1, (end || now) - (start || now)), now };
      const rows = [h('div', { class: 'step-row head' }, h('span', null, 'Step'), h('span', null, 'Timeline'),
        h('span', { class: 'num' }, 'Time'), h('span', { class: 'num' }, 'Cost'), h('span', { class: 'num' }, 'Tokens'))];
      for (const n of nodes) stepRows(n, 0, scale, rows);
      replace(timeline, rows);
    }

    function stepRows(n, depth, scale, rows) {
      const hasDetail = n.children.length > 0 || n.attempts.length > 0;
      const open = expanded.has(n.path) || (n.children.length > 0 && !expanded.has('!' + n.path));
      const toggle = h('button', {
        class: 'step-toggle', 'aria-label': open ? 'Collapse' : 'Expand', 'aria-expanded': open ? 'true' : 'false', disabled: !hasDetail,
        onclick: () => {
          if (open) { expanded.delete(n.path); expanded.add('!' + n.path); } else { expanded.add(n.path); expanded.delete('!' + n.path); }
          tick().catch(showOffline);
        },
      }, hasDetail ? (open ? '▾' : '▸') : '');
      const name = h('div', { class: 'step-name' }, indent(depth), toggle, h('span', { class: `dot ${n.state}` }),
        h('span', { class: 'label', title: n.path }, n.name),
        n.attemptCount > 1 ? h('span', { class: 'tag retry' }, `${n.attemptCount} attempts`) : null,
        n.cacheHit ? h('span', { class: 'tag cache' }, 'cache hit') : null,
        n.fallback ? h('span', { class: 'tag fallback' }, n.fallback.step ? `fallback → ${n.fallback.step}` : 'fallback') : null,
        n.state === 'paused' ? h('span', { class: 'tag fallback' }, 'waiting for input') : null,
        n.humanOutcome ? h('span', { class: 'tag' }, n.humanOutcome === 'default' ? 'timed out: default answer' : 'answered') : null,
        n.iterations ? h('span', { class: 'tag' }, `${n.iterations} iteration(s)`) : null);
      rows.push(h('div', { class: 'step-row', 'data-step': n.path, 'data-state': n.state },
        name, bar(n.start, n.end, n.state, scale, false), h('span', { class: 'num' }, n.latency !== null ? duration(n.latency) : '—'),
        h('span', { class: 'num' }, cost(n.costUsd)), h('span', { class: 'num' }, tokens(n.tokens))));
      if (n.fallback && n.fallback.error) note(rows, 'feedback fallback', `Primary failed: ${n.fallback.error}`);
      if (!open) return;
      n.attempts.forEach(a => {
        rows.push(h('div', { class: 'step-row attempt-row', 'data-attempt': `${n.path}#${a.key}`, 'data-state': a.state },
          h('div', { class: 'step-name' }, indent(depth + 1), h('span', { class: `dot ${a.state}` }),
            h('span', { class: 'label' }, a.fallbackStep ? `${a.fallbackStep} · attempt ${a.number}` : `attempt ${a.number}`),
            a.fallbackStep ? h('span', { class: 'tag fallback' }, 'fallback') : null,
            a.model ? h('span', { class: 'tag' }, a.model) : null,
            a.state === 'failed' ? h('span', { class: 'tag fail' }, 'failed') : null),
          bar(a.start, a.end, a.state, scale, true), h('span', { class: 'num' }, a.latency !== null ? duration(a.latency) : '—'),
          h('span', { class: 'num' }, cost(a.costUsd)), h('span', { class: 'num' }, tokens(a.tokens))));
        if (a.feedback) note(rows, 'feedback', a.feedback);
      });
      if (n.feedback && !n.attempts.some(a => a.feedback === n.feedback)) note(rows, 'feedback', n.feedback);
      for (const c of n.children) stepRows(c, depth + 1, scale, rows);
    }

    function renderOutcome(run, tl) {
      const result = run.result;
      const error = (result && result.error) || (tl && tl.error);
      const output = result ? result.output : tl ? tl.output : undefined;
      const parts = [];
      if (error) parts.push(h('h2', null, 'Error'), h('div', { class: 'errors', id: 'run-error' }, error));
      if (result || (tl && 'output' in tl && ENDED.has(run.status))) parts.push(h('h2', null, 'Output'), h('div', { id: 'run-output' }, json(output ?? null)));
      if (result && result.finalContext && Object.keys(result.finalContext).length) {
        parts.push(h('details', null, h('summary', null, 'Final context'), json(result.finalContext)));
      }
      replace(outcome, parts);
    }

    const poll = poller(tick, 1000);
    return { stop() { poll.stop(); } };
  }

  /** A line of text under the row before it (an attempt's feedback, a fallback's reason). */
  function note(rows, cls, text) {
    rows[rows.length - 1].classList.add('has-note');
    rows.push(h('div', { class: cls }, text));
  }

  function indent(depth) {
    const span = h('span', { class: 'indent' });
    span.style.width = `${depth * 18}px`;
    span.style.flex = 'none';
    return span;
  }

  function bar(start, end, state, scale, thin) {
    const track = h('div', { class: 'track' });
    if (!start) return track;
    const finish = end ?? scale.now;
    const b = h('div', { class: `bar ${state}${thin ? ' attempt' : ''}`, title: duration(finish - start) });
    b.style.left = `${Math.min(100, ((start - scale.start) / scale.span) * 100)}%`;
    b.style.width = `${Math.max(0.3, ((finish - start) / scale.span) * 100)}%`;
    track.appendChild(b);
    return track;
  }

  /**
   * One step of the timeline (GET /api/runs/{id}/timeline: StepResult fields plus path, status, attemptHistory) or of a
   * PipelineResult's stepHistory, in one shape.
   */
  function normalizeStep(s, parentPath) {
    const name = s.name ?? '?';
    const path = s.path ?? (parentPath ? `${parentPath}/${name}` : name);
    const meta = s.metadata || {};
    const history = Array.isArray(s.attemptHistory) ? s.attemptHistory : [];
    const start = time(s.startedAt);
    const end = time(s.finishedAt);
    const own = history.filter(a => !a.fallbackStep);
    const fallback = meta.fallback_triggered || history.some(a => a.fallbackStep)
      ? { step: meta.fallback_step ?? (history.find(a => a.fallbackStep) || {}).fallbackStep, error: meta.original_error }
      : null;
    return {
      name,
      path,
      state: stepState(s.status, s.success, end),
      start,
      end,
      latency: s.latencyMs ?? (start && end ? end - start : null),
      costUsd: s.costUsd ?? 0,
      tokens: s.tokens ?? 0,
      feedback: s.feedback,
      cacheHit: Boolean(meta.cache_hit),
      humanOutcome: meta.human_outcome,
      iterations: meta.iterations,
      fallback,
      attemptCount: typeof s.attempts === 'number' ? s.attempts : own.length,
      attempts: history.map((a, i) => {
        const aStart = time(a.startedAt);
        const aEnd = time(a.finishedAt);
        return {
          number: a.attempt ?? i + 1,
          key: `${a.fallbackStep ? a.fallbackStep + '#' : ''}${a.attempt ?? i + 1}`,
          fallbackStep: a.fallbackStep,
          state: stepState(a.status, a.success, aEnd),
          start: aStart,
          end: aEnd,
          latency: a.durationMs ?? a.latencyMs ?? (aStart && aEnd ? aEnd - aStart : null),
          costUsd: a.costUsd ?? 0,
          tokens: a.tokens ?? 0,
          feedback: a.feedback,
          model: a.model,
        };
      }),
      children: (s.stepHistory || []).map(c => normalizeStep(c, path)),
    };
  }

  /** ok, failed, running, paused or pending (not started yet), from a step's or attempt's status text (any case) and success flag. */
  function stepState(status, success, end) {
    const s = String(status || '').toLowerCase();
    if (s === 'waiting' || s === 'paused' || s === 'waiting_for_input') return 'paused';
    if (s === 'pending') return 'pending';
    if (s === 'running' || (!s && success == null && !end)) return 'running';
    if (s === 'succeeded' || s === 'completed' || (!s && success !== false)) return success === false ? 'failed' : 'ok';
    return 'failed';
  }

  // ---- Human steps: a form from the step's JSON Schema ------------------------------------------------------------

  function waitCard(runId, wait) {
    const form = schemaForm(wait.schema);
    const feedback = h('div', { class: 'wait-feedback' });
    const submit = h('button', { class: 'primary', type: 'submit' }, 'Send answer');
    const card = h('section', { class: 'panel padded card wait-card', 'data-wait': wait.stepPath },
      h('h3', null, 'Waiting for you at ', h('span', { class: 'mono' }, wait.stepPath)),
      h('p', { class: 'message' }, wait.message || ''),
      wait.lastError ? h('div', { class: 'errors' }, `The last answer was refused: ${wait.lastError}`) : null,
      h('form', { onsubmit: e => { e.preventDefault(); send(); } }, form.element, feedback, h('div', { class: 'actions' }, submit)));

    async function send() {
      replace(feedback);
      const answer = form.read();
      if (answer.error) { replace(feedback, h('div', { class: 'errors', role: 'alert' }, answer.error)); return; }
      submit.disabled = true;
      try {
        const r = await api('POST', `runs/${seg(runId)}/resume`, { body: { input: answer.value, step: wait.stepPath } });
        if (r.ok) {
          replace(feedback, h('div', { class: 'notice' }, 'Answer sent; the run goes on.'));
          return;
        }
        replace(feedback, problemBox(r, 'The answer was not accepted.'));
      } catch (e) {
        showOffline(e);
      }
      submit.disabled = false;
    }
    return card;
  }

  /** The simple types a generated form handles; any other schema is answered as raw JSON. */
  function simpleProperty(p) {
    if (!p || typeof p !== 'object') return null;
    if (Array.isArray(p.enum) && p.enum.length && p.enum.every(v => ['string', 'number', 'boolean'].includes(typeof v))) return 'enum';
    return ['string', 'number', 'integer', 'boolean'].includes(p.type) ? p.type : null;
  }

  function schemaForm(schema) {
    const properties = schema && schema.type === 'object' && schema.properties && typeof schema.properties === 'object' ? schema.properties : null;
    const simple = properties && Object.keys(properties).length > 0 && Object.values(properties).every(p => simpleProperty(p));
    return simple ? objectForm(schema, properties) : rawForm(schema);
  }

  function rawForm(schema) {
    const area = h('textarea', { class: 'answer-json', 'aria-label': 'Answer (JSON)', spellcheck: 'false', placeholder: 'Your answer as JSON, e.g. {"approved": true} or "text"' });
    const element = h('div', null,
      h('div', { class: 'field' }, h('label', null, 'Answer (JSON)'), area),
      schema ? h('details', { class: 'field' }, h('summary', null, 'Expected schema'), json(schema)) : null);
    return {
      element,
      read() {
        const text = area.value.trim();
        if (!text) return { error: 'Type an answer as JSON.' };
        try { return { value: JSON.parse(text) }; } catch (e) { return { error: `The answer is not valid JSON: ${e.message}` }; }
      },
    };
  }

  function objectForm(schema, properties) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const readers = [];
    const element = h('div', { class: 'schema-form' });
    for (const [name, prop] of Object.entries(properties)) {
      const kind = simpleProperty(prop);
      const fieldId = `f-${Math.random().toString(36).slice(2)}`;
      const label = h('label', { for: fieldId, class: required.has(name) ? 'required' : null }, prop.title || name);
      const hint = prop.description ? h('span', { class: 'hint' }, prop.description) : null;
      let control;
      if (kind === 'boolean') {
        control = h('input', { type: 'checkbox', id: fieldId, name, checked: prop.default === true });
        append(element, [h('div', { class: 'field check' }, control, label, hint)]);
        readers.push(() => [name, control.checked]);
        continue;
      }
      if (kind === 'enum') {
        control = h('select', { id: fieldId, name },
          h('option', { value: '' }, '— choose —'),
          prop.enum.map((v, i) => h('option', { value: String(i), selected: prop.default === v }, String(v))));
        readers.push(() => control.value === '' ? null : [name, prop.enum[Number(control.value)]]);
      } else if (kind === 'number' || kind === 'integer') {
        control = h('input', { type: 'number', id: fieldId, name, step: kind === 'integer' ? '1' : 'any', value: prop.default !== undefined ? String(prop.default) : null });
        readers.push(() => control.value === '' ? (required.has(name) ? [name, null] : null) : [name, Number(control.value)]);
      } else {
        control = h('input', { type: 'text', id: fieldId, name, value: typeof prop.default === 'string' ? prop.default : null, size: 50 });
        readers.push(() => control.value === '' && !required.has(name) ? null : [name, control.value]);
      }
      append(element, [h('div', { class: 'field' }, label, control, hint)]);
    }
    return {
      element,
      read() {
        const value = {};
        for (const read of readers) {
          const entry = read();
          if (entry) value[entry[0]] = entry[1];
        }
        return { value };
      },
    };
  }

  window.addEventListener('hashchange', route);
  route();
})();
