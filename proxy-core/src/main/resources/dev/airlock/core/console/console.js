// Airlock web console: one page over the admin API (docs/ADMIN-API.md), hash-routed.
//
// Safety: everything the API returns may come from a package author (names, versions, reasons, script
// text, descriptions, audit details), so the page is built with createElement/textContent only — no HTML
// parsing of data anywhere — and links are made from fixed "#/..." prefixes plus encoded segments.
// The token lives in sessionStorage and travels only as an Authorization header on same-origin fetches;
// there are no cookies, so another site cannot make the browser act (CSRF). The server's strict CSP
// (script-src 'self', no inline code or styles) holds because this file adds no inline code or styles.
'use strict';

(() => {
  const API = new URL('../admin/api/', document.currentScript ? document.currentScript.src : location.href);
  const TOKEN_KEY = 'airlock.console.token';
  const ECOSYSTEMS = ['npm', 'pypi', 'maven'];
  const STATUSES = ['held', 'denied', 'released', 'rejected'];
  const ACTIONS = ['verdict', 'release', 'reject', 'reevaluate', 'rule.add', 'rule.remove', 'token.create',
    'token.revoke', 'auth.denied'];
  const PAGE_SIZES = [25, 50, 100, 200];
  const ACTING_ROLES = ['approver', 'admin'];
  // ISO-8601 durations as the API takes them: P7D, PT12H, P1DT6H, P2W.
  const DURATION = /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

  /** The signed-in principal ({name, role}) once whoami answered, else null. */
  let who = null;
  /** Counts renders; an answer that arrives after the user moved on is dropped. */
  let generation = 0;
  let lastPath = null;
  let signInMessage = '';

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  /** Thrown after a 401 sent the user back to sign-in; views stop quietly. */
  class SignedOut extends Error {}

  // ---- DOM helpers: the only way this file puts data on the page ----

  /** Builds an element; props are set as attributes (values are never parsed as HTML). */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) {
        continue;
      }
      if (key === 'class') {
        node.className = value;
      } else if (key === 'testid') {
        node.setAttribute('data-testid', value);
      } else if (key === 'on') {
        for (const [event, handler] of Object.entries(value)) {
          node.addEventListener(event, handler);
        }
      } else {
        node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    add(node, children);
    return node;
  }

  /** Appends nodes and strings (as text nodes); skips null, undefined and false. */
  function add(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    node.replaceChildren();
    return node;
  }

  /** A link inside the console; hash is always built by the route helpers below. */
  function link(hash, text, props) {
    return el('a', Object.assign({href: hash}, props), text);
  }

  /** One path segment for a hash or an API path. */
  function seg(value) {
    const s = encodeURIComponent(String(value));
    return s === '.' || s === '..' ? s.replace(/\./g, '%2E') : s;
  }

  const routes = {
    queue: (params) => '#/queue' + query(params),
    release: (id) => '#/release/' + seg(id),
    audit: (params) => '#/audit' + query(params),
    pkg: (ecosystem, name) => '#/package/' + seg(ecosystem) + '/' + seg(name),
  };

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null && v !== '') {
        q.set(k, String(v));
      }
    }
    const s = q.toString();
    return s ? '?' + s : '';
  }

  function text(value) {
    if (value === undefined || value === null || value === '') {
      return '—';
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  function time(iso) {
    if (!iso) {
      return el('span', {class: 'muted'}, '—');
    }
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) {
      return el('span', {}, String(iso));
    }
    const shown = d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return el('time', {datetime: d.toISOString(), title: ago(d)}, shown);
  }

  function ago(date) {
    const s = Math.round((Date.now() - date.getTime()) / 1000);
    const abs = Math.abs(s);
    const unit = abs < 120 ? [abs, 's'] : abs < 7200 ? [Math.round(abs / 60), 'min']
      : abs < 172800 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86400), 'd'];
    return s >= 0 ? `${unit[0]} ${unit[1]} ago` : `in ${unit[0]} ${unit[1]}`;
  }

  function badge(status) {
    const known = STATUSES.includes(status) || status === 'approved' ? status : 'other';
    return el('span', {class: 'badge badge-' + known, testid: 'status-badge'}, text(status));
  }

  function errorBox(error) {
    const message = error instanceof ApiError && error.status
      ? `${error.status === 403 ? 'Not allowed for your role' : 'The server answered ' + error.status}: ${error.message}`
      : error.message || String(error);
    return el('p', {class: 'error', role: 'alert', testid: 'error'}, message);
  }

  function field(labelText, input, hint) {
    const id = input.id;
    return el('div', {class: 'field'}, el('label', {for: id}, labelText), input,
      hint ? el('small', {class: 'hint', id: id + '-hint'}, hint) : null);
  }

  function select(id, options, value, testid) {
    const s = el('select', {id, name: id, testid});
    for (const [v, label] of options) {
      const o = el('option', {value: v}, label);
      o.selected = v === value;
      s.append(o);
    }
    return s;
  }

  function section(title, testid, ...children) {
    return el('section', {class: 'panel', testid}, el('h2', {}, title), ...children);
  }

  function keyValues(map, testid) {
    const entries = Object.entries(map || {});
    if (entries.length === 0) {
      return el('p', {class: 'muted'}, 'none');
    }
    return el('dl', {class: 'kv', testid}, entries.map(([k, v]) => [
      el('dt', {}, k),
      el('dd', {}, typeof v === 'string' && (v.includes('\n') || v.length > 80) ? el('pre', {}, v) : text(v)),
    ]));
  }

  // ---- session ----

  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || '';
    } catch (e) {
      return '';
    }
  }

  function setToken(value) {
    try {
      if (value) {
        sessionStorage.setItem(TOKEN_KEY, value);
      } else {
        sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch (e) {
      // Storage disabled: the session then lasts only as long as this page.
    }
  }

  let memoryToken = '';

  function currentToken() {
    return token() || memoryToken;
  }

  function signOut(message) {
    setToken('');
    memoryToken = '';
    who = null;
    signInMessage = message || '';
    render();
  }

  /**
   * Calls the admin API. A 401 (except while checking a token at sign-in) ends the session and shows
   * sign-in; other failures throw ApiError with the server's message.
   */
  async function api(method, path, options = {}) {
    const url = new URL(path, API);
    if (url.origin !== location.origin || !url.pathname.startsWith(API.pathname)) {
      throw new Error('refusing to send the token outside the admin API: ' + url.pathname);
    }
    for (const [k, v] of Object.entries(options.query || {})) {
      if (v !== undefined && v !== null && v !== '') {
        url.searchParams.set(k, String(v));
      }
    }
    const bearer = options.token !== undefined ? options.token : currentToken();
    const headers = {Accept: 'application/json', Authorization: 'Bearer ' + bearer};
    let body;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(url, {
        method, headers, body, mode: 'same-origin', credentials: 'omit', cache: 'no-store', redirect: 'error',
        referrerPolicy: 'no-referrer',
      });
    } catch (e) {
      throw new ApiError(0, 'The server could not be reached (' + e.message + ').');
    }
    const raw = await response.text();
    let data = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch (e) {
      data = null;
    }
    if (response.status === 401 && options.token === undefined) {
      signOut('The server no longer accepts this token (401): it may have expired or been revoked. Sign in again.');
      throw new SignedOut();
    }
    if (!response.ok) {
      const message = data && typeof data.error === 'string' ? data.error : (response.statusText || 'request failed');
      throw new ApiError(response.status, message);
    }
    if (options.raw) {
      return raw;
    }
    return data;
  }

  function mayAct() {
    return who !== null && ACTING_ROLES.includes(who.role);
  }

  // ---- routing ----

  function parseHash() {
    const h = location.hash.replace(/^#/, '');
    const q = h.indexOf('?');
    const path = q < 0 ? h : h.slice(0, q);
    const parts = path.split('/').filter(Boolean).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch (e) {
        return p;
      }
    });
    return {path, parts, params: new URLSearchParams(q < 0 ? '' : h.slice(q + 1))};
  }

  function updateChrome() {
    const signedIn = who !== null;
    document.getElementById('nav').hidden = !signedIn;
    document.getElementById('session').hidden = !signedIn;
    const whoami = document.getElementById('whoami');
    clear(whoami);
    if (signedIn) {
      add(whoami, [el('span', {class: 'who-name', testid: 'whoami-name'}, text(who.name)), ' ',
        el('span', {class: 'role role-' + (ACTING_ROLES.concat('viewer').includes(who.role) ? who.role : 'other'),
          testid: 'whoami-role'}, text(who.role))]);
    }
    const view = parseHash().parts[0] || 'queue';
    for (const a of document.querySelectorAll('#nav a')) {
      const current = a.getAttribute('href') === '#/' + view || (view === 'release' && a.getAttribute('href') === '#/queue');
      if (current) {
        a.setAttribute('aria-current', 'page');
      } else {
        a.removeAttribute('aria-current');
      }
    }
  }

  async function render() {
    const gen = ++generation;
    const main = document.getElementById('main');
    const route = parseHash();
    const moved = route.path !== lastPath;
    lastPath = route.path;
    const ctx = {
      main, params: route.params,
      live: () => gen === generation,
    };
    if (who === null && currentToken()) {
      clear(main).append(el('p', {class: 'muted'}, 'Checking the token…'));
      try {
        who = await api('GET', 'whoami');
      } catch (e) {
        if (e instanceof SignedOut || !ctx.live()) {
          return;
        }
        updateChrome();
        clear(main).append(el('h1', {tabindex: '-1'}, 'Airlock console'), errorBox(e),
          el('button', {type: 'button', on: {click: render}}, 'Try again'));
        return;
      }
      if (!ctx.live()) {
        return;
      }
    }
    updateChrome();
    clear(main);
    if (who === null) {
      renderSignIn(main);
      return;
    }
    const [view, ...rest] = route.parts;
    try {
      if (view === 'release' && rest.length > 0) {
        await viewRelease(ctx, rest.join('/'));
      } else if (view === 'audit') {
        await viewAudit(ctx);
      } else if (view === 'package' && rest.length > 1) {
        await viewPackage(ctx, rest[0], rest.slice(1).join('/'));
      } else {
        await viewQueue(ctx);
      }
    } catch (e) {
      if (e instanceof SignedOut || !ctx.live()) {
        return;
      }
      main.append(errorBox(e));
    }
    if (moved && ctx.live()) {
      const h1 = main.querySelector('h1');
      if (h1) {
        h1.focus();
      }
    }
  }

  // ---- views ----

  function renderSignIn(main) {
    document.title = 'Sign in · Airlock';
    const input = el('input', {
      id: 'token', name: 'token', type: 'password', testid: 'token', required: true, autocomplete: 'off',
      spellcheck: 'false', 'aria-describedby': 'token-hint',
    });
    const error = el('p', {class: 'error', role: 'alert', testid: 'signin-error', hidden: !signInMessage},
      signInMessage);
    const button = el('button', {type: 'submit', testid: 'signin'}, 'Sign in');
    const form = el('form', {class: 'signin', testid: 'signin-form', novalidate: true},
      el('h1', {tabindex: '-1'}, 'Sign in'),
      error,
      field('Admin token', input,
        'Kept only in this tab (session storage) and sent only to this server\'s admin API. '
        + 'Create one with "airlock token create"; the first one is in <data>/admin-token.'),
      el('div', {class: 'actions'}, button));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) {
        error.textContent = 'Enter a token.';
        error.hidden = false;
        input.focus();
        return;
      }
      button.disabled = true;
      try {
        const me = await api('GET', 'whoami', {token: value});
        setToken(value);
        memoryToken = value;
        who = me;
        signInMessage = '';
        if (!location.hash || location.hash === '#' || location.hash === '#/') {
          location.hash = '#/queue';
        } else {
          render();
        }
      } catch (e) {
        error.textContent = e instanceof ApiError && e.status === 401
          ? 'The server did not accept this token (401): check it, or whether it has expired or been revoked.'
          : errorBox(e).textContent;
        error.hidden = false;
        input.select();
      } finally {
        button.disabled = false;
      }
    });
    main.append(form);
    input.focus();
  }

  async function viewQueue(ctx) {
    document.title = 'Queue · Airlock';
    const p = ctx.params;
    const filters = {
      ecosystem: p.get('ecosystem') || '',
      package: p.get('package') || '',
      reason: p.get('reason') || '',
      status: p.has('status') ? p.get('status') : 'held',
      olderThan: p.get('olderThan') || '',
      view: p.get('view') === 'all' ? 'all' : 'needed',
    };
    const limit = intParam(p, 'limit', 50, 1, 500);
    const offset = intParam(p, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);

    const eco = select('f-ecosystem', [['', 'all'], ...ECOSYSTEMS.map((e) => [e, e])], filters.ecosystem, 'filter-ecosystem');
    const pkg = el('input', {id: 'f-package', type: 'search', value: filters.package, testid: 'filter-package'});
    const reason = el('input', {id: 'f-reason', type: 'search', value: filters.reason, testid: 'filter-reason'});
    const status = select('f-status', [...STATUSES.map((s) => [s, s]), ['all', 'all']], filters.status, 'filter-status');
    const view = select('f-view', [['needed', 'what clients need'], ['all', 'everything held']], filters.view, 'filter-view');
    const older = el('input', {id: 'f-older', type: 'text', value: filters.olderThan, placeholder: 'P1D',
      testid: 'filter-older', pattern: DURATION.source});
    const size = select('f-limit', PAGE_SIZES.map((n) => [String(n), String(n)]), String(limit), 'filter-limit');
    const form = el('form', {class: 'filters', testid: 'queue-filters', role: 'search', 'aria-label': 'Filter the queue'},
      field('Show', view), field('Ecosystem', eco), field('Package', pkg), field('Reason or check', reason), field('Status', status),
      field('Held longer than', older), field('Per page', size),
      el('div', {class: 'actions'}, el('button', {type: 'submit', testid: 'queue-apply'}, 'Apply')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      location.hash = routes.queue({
        ecosystem: eco.value, package: pkg.value.trim(), reason: reason.value.trim(), status: status.value,
        olderThan: older.value.trim().toUpperCase(), limit: size.value === '50' ? '' : size.value,
        view: view.value === 'all' ? 'all' : '',
      });
    });
    const loading = el('p', {class: 'muted'}, 'Loading the queue…');
    ctx.main.append(el('h1', {tabindex: '-1'}, 'Quarantine queue'), form, loading);

    const data = await api('GET', 'quarantine', {
      query: {
        ecosystem: filters.ecosystem, package: filters.package, reason: filters.reason,
        status: filters.status, olderThan: filters.olderThan, view: filters.view, limit, offset,
      },
    });
    if (!ctx.live()) {
      return;
    }
    const items = Array.isArray(data.items) ? data.items : [];
    const total = Number.isFinite(data.total) ? data.total : items.length;
    const keep = Object.assign({}, filters, {limit: limit === 50 ? '' : limit, view: filters.view === 'all' ? 'all' : ''});
    const table = el('table', {class: 'list', testid: 'queue-table'},
      el('caption', {class: 'sr-only'}, 'Releases matching the filters'),
      el('thead', {}, el('tr', {}, ['ID', 'Ecosystem', 'Package', 'Version', 'Status', 'Demand', 'Reasons', 'Since']
        .map((h) => el('th', {scope: 'col'}, h)))),
      el('tbody', {}, items.map((item) => el('tr', {testid: 'queue-row', 'data-id': text(item.id)},
        el('td', {class: 'id'}, link(routes.release(item.id), text(item.id), {testid: 'queue-link'})),
        el('td', {}, text(item.ecosystem)),
        el('td', {class: 'pkg'}, link(routes.pkg(item.ecosystem, item.package), text(item.package))),
        el('td', {class: 'version'}, link(routes.release(item.id), text(item.version))),
        el('td', {}, badge(item.status)),
        el('td', {class: 'nowrap', testid: 'queue-demand'}, demand(item.demand)),
        el('td', {}, reasonList(item.reasons, item.checks)),
        el('td', {class: 'nowrap'}, time(item.since))))));
    loading.replaceWith(
      el('p', {class: 'summary', testid: 'queue-total'}, total === 0 ? 'Nothing matches.'
        : `${offset + 1}–${offset + items.length} of ${total}`),
      items.length ? el('div', {class: 'scroll'}, table) : null,
      pager(total, offset, limit, items.length, (o) => routes.queue(Object.assign({}, keep, {offset: o || ''})), 'queue'));
  }

  /** "3 asked · 1 passed over · by ci, alice", or "newest" for a package's newest release nobody asked for yet. */
  function demand(d) {
    if (!d) {
      return '—';
    }
    const parts = [];
    if (d.asked > 0) {
      parts.push(`${d.asked} asked`);
    }
    if (d.passedOver > 0) {
      parts.push(`${d.passedOver} passed over`);
    }
    if (parts.length === 0) {
      parts.push(d.newest ? 'newest' : '—');
    }
    if (Array.isArray(d.tokens) && d.tokens.length) {
      parts.push('by ' + d.tokens.map(text).join(', '));
    }
    const cell = [parts.join(' · ')];
    if (d.lastAsked) {
      cell.push(el('br'), el('span', {class: 'muted'}, 'last '), time(d.lastAsked));
    }
    return cell;
  }

  function reasonList(reasons, checks) {
    const list = el('ul', {class: 'reasons'}, (reasons || []).map((r) => el('li', {}, text(r))));
    const tags = (checks || []).length
      ? el('div', {class: 'checks'}, checks.map((c) => el('span', {class: 'tag'}, text(c))))
      : null;
    return [list, tags];
  }

  function intParam(params, name, fallback, min, max) {
    const n = Number.parseInt(params.get(name) || '', 10);
    return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
  }

  function pager(total, offset, limit, count, hashAt, testid) {
    const prev = offset > 0
      ? link(hashAt(Math.max(0, offset - limit)), '← Previous', {testid: testid + '-prev', rel: 'prev'})
      : el('span', {class: 'disabled', 'aria-disabled': 'true'}, '← Previous');
    const next = offset + count < total
      ? link(hashAt(offset + limit), 'Next →', {testid: testid + '-next', rel: 'next'})
      : el('span', {class: 'disabled', 'aria-disabled': 'true'}, 'Next →');
    return el('nav', {class: 'pager', 'aria-label': 'Pages'}, prev, next);
  }

  async function viewRelease(ctx, id) {
    document.title = 'Release · Airlock';
    const loading = el('p', {class: 'muted'}, 'Loading the release…');
    ctx.main.append(el('p', {class: 'crumbs'}, link(routes.queue(), '← Queue', {testid: 'back-to-queue-top'})), loading);
    const detail = await api('GET', 'quarantine/' + seg(id));
    if (!ctx.live()) {
      return;
    }
    const holder = el('div', {testid: 'release-view'});
    loading.replaceWith(holder);
    showDetail(holder, detail, null);
    document.title = `${text(detail.package)}@${text(detail.version)} · Airlock`;
  }

  /** Draws one release; result is what the user just did to it, if anything. */
  function showDetail(holder, d, result) {
    clear(holder);
    const ev = d.evidence || {};
    add(holder, [
      el('h1', {tabindex: '-1', testid: 'release-title'},
        el('span', {class: 'pkg'}, text(d.package)), el('span', {class: 'at'}, '@'),
        el('span', {class: 'version'}, text(d.version))),
      el('p', {class: 'meta'},
        badge(d.status), ' ', el('span', {class: 'tag'}, text(d.ecosystem)),
        ' verdict ', el('strong', {testid: 'verdict'}, text(d.verdict)),
        ' · since ', time(d.since), ' · id ', el('code', {testid: 'release-id'}, text(d.id)), ' · ',
        link(routes.pkg(d.ecosystem, d.package), 'every version of this package', {testid: 'package-link'})),
      result,
      section('Why', 'reasons', reasonList(d.reasons, d.checks)),
      scriptsPanel(ev.installScripts),
      hookFilesPanel(ev.hookFiles),
      filesPanel(ev.files),
      identityPanel(ev.publisher, ev.signer),
      agesPanel(ev, d.findings),
      dependenciesPanel(ev.dependencies),
      findingsPanel(d.findings),
      decisionPanel(d, holder),
      historyPanel(d.decisions),
    ]);
  }

  function decisionPanel(d, holder) {
    const decision = d.decision;
    const inForce = decision
      ? el('dl', {class: 'kv', testid: 'decision'},
        el('dt', {}, 'action'), el('dd', {}, el('strong', {}, text(decision.action))),
        el('dt', {}, 'reason'), el('dd', {}, text(decision.reason)),
        el('dt', {}, 'by'), el('dd', {}, text(decision.actor)),
        el('dt', {}, 'at'), el('dd', {}, time(decision.at)),
        el('dt', {}, 'expires'), el('dd', {}, decision.expiresAt ? time(decision.expiresAt) : 'never'))
      : el('p', {class: 'muted', testid: 'decision'}, 'No decision by a person: the automatic verdict applies.');
    return section('Decision', 'decision-panel', inForce,
      mayAct() ? actForms(d, holder)
        : el('p', {class: 'muted', testid: 'readonly-note'},
          `Your role (${text(who && who.role)}) may read but not release or reject.`));
  }

  function actForms(d, holder) {
    const done = (after, verb) => {
      const banner = el('div', {class: 'result', role: 'status', testid: 'action-result', tabindex: '-1'},
        el('p', {}, `${verb} ${text(after.package)}@${text(after.version)}: its status is now `, badge(after.status), '.',
          after.reevaluated === false ? ' The policy had nothing new to decide.' : null),
        el('p', {}, link(routes.queue(), '← Back to the queue', {testid: 'back-to-queue'})));
      showDetail(holder, after, banner);
      banner.focus();
    };

    const releaseReason = el('textarea', {id: 'release-reason', testid: 'release-reason', required: true, rows: '2'});
    const expires = el('input', {id: 'release-expires', testid: 'release-expires', type: 'text', placeholder: 'P7D',
      pattern: DURATION.source, 'aria-describedby': 'release-expires-hint'});
    const releaseError = el('p', {class: 'error', role: 'alert', testid: 'release-error', hidden: true});
    const releaseButton = el('button', {type: 'submit', class: 'primary', testid: 'release-submit'}, 'Release');
    const release = el('form', {class: 'act', testid: 'release-form', novalidate: true, 'aria-label': 'Release'},
      el('h3', {}, 'Release'),
      field('Reason (required)', releaseReason),
      field('Expires after', expires, 'Optional ISO-8601 duration such as P7D or PT12H; the release is re-evaluated then.'),
      releaseError, el('div', {class: 'actions'}, releaseButton));
    release.addEventListener('submit', async (event) => {
      event.preventDefault();
      const reason = releaseReason.value.trim();
      const exp = expires.value.trim().toUpperCase();
      if (!reason) {
        return fail(releaseError, releaseReason, 'A reason is required.');
      }
      if (exp && !DURATION.test(exp)) {
        return fail(releaseError, expires, 'Expiry must be an ISO-8601 duration such as P7D or PT12H.');
      }
      await act(releaseButton, releaseError, 'release', exp ? {reason, expires: exp} : {reason}, 'Released');
    });

    const rejectReason = el('textarea', {id: 'reject-reason', testid: 'reject-reason', required: true, rows: '2'});
    const rejectError = el('p', {class: 'error', role: 'alert', testid: 'reject-error', hidden: true});
    const rejectButton = el('button', {type: 'submit', class: 'danger', testid: 'reject-submit'}, 'Reject');
    const reject = el('form', {class: 'act', testid: 'reject-form', novalidate: true, 'aria-label': 'Reject'},
      el('h3', {}, 'Reject'),
      field('Reason (required)', rejectReason),
      rejectError, el('div', {class: 'actions'}, rejectButton));
    reject.addEventListener('submit', async (event) => {
      event.preventDefault();
      const reason = rejectReason.value.trim();
      if (!reason) {
        return fail(rejectError, rejectReason, 'A reason is required.');
      }
      await act(rejectButton, rejectError, 'reject', {reason}, 'Rejected');
    });

    const reevalError = el('p', {class: 'error', role: 'alert', testid: 'reevaluate-error', hidden: true});
    const reevalButton = el('button', {type: 'button', testid: 'reevaluate'}, 'Re-evaluate now');
    reevalButton.addEventListener('click', () => act(reevalButton, reevalError, 'reevaluate', undefined, 'Re-evaluated'));

    async function act(button, error, action, body, verb) {
      error.hidden = true;
      for (const b of [releaseButton, rejectButton, reevalButton]) {
        b.disabled = true;
      }
      try {
        const after = await api('POST', `quarantine/${seg(d.id)}/${action}`, {body});
        done(after, verb);
      } catch (e) {
        if (e instanceof SignedOut) {
          return;
        }
        error.textContent = errorBox(e).textContent;
        error.hidden = false;
      } finally {
        for (const b of [releaseButton, rejectButton, reevalButton]) {
          b.disabled = false;
        }
      }
    }

    return el('div', {class: 'act-forms'}, release, reject,
      el('div', {class: 'act'}, el('h3', {}, 'Re-evaluate'),
        el('p', {class: 'hint'}, 'Run the policy again on what is known now.'), reevalError, reevalButton));
  }

  function fail(error, input, message) {
    error.textContent = message;
    error.hidden = false;
    input.focus();
  }

  function scriptsPanel(scripts) {
    if (!scripts) {
      return section('Install scripts', 'scripts', el('p', {class: 'muted'}, 'No install-script facts recorded.'));
    }
    const diff = Array.isArray(scripts.diff) ? scripts.diff : [];
    const prevLabel = scripts.previousVersion ? `Before (${scripts.previousVersion})` : 'Before';
    return section('Install scripts', 'scripts',
      el('div', {class: 'pair'},
        el('div', {}, el('h3', {}, 'Now'), hooks(scripts.now, 'scripts-now')),
        el('div', {}, el('h3', {}, prevLabel), scripts.previous === null || scripts.previous === undefined
          ? el('p', {class: 'muted', testid: 'scripts-previous'}, 'No previous version to compare with.')
          : hooks(scripts.previous, 'scripts-previous'))),
      el('h3', {}, 'Line diff'),
      diff.length === 0 ? el('p', {class: 'muted'}, 'No difference.')
        : el('pre', {class: 'diff', testid: 'script-diff'}, diff.map((l) => {
          const kind = l.op === '+' ? 'added' : l.op === '-' ? 'removed' : 'same';
          return el('span', {class: 'diff-line ' + kind, 'data-op': kind, testid: 'diff-line'},
            el('span', {class: 'sr-only'}, kind === 'same' ? '' : kind + ': '),
            el('span', {class: 'diff-op', 'aria-hidden': 'true'}, kind === 'added' ? '+' : kind === 'removed' ? '-' : ' '),
            el('span', {class: 'diff-text'}, text(l.line === '' ? ' ' : l.line)));
        })));
  }

  function hooks(map, testid) {
    const entries = Object.entries(map || {});
    if (entries.length === 0) {
      return el('p', {class: 'muted', testid}, 'none');
    }
    return el('dl', {class: 'kv hooks', testid}, entries.map(([hook, command]) => [
      el('dt', {}, hook), el('dd', {}, el('pre', {}, text(command)))]));
  }

  function identityPanel(publisher, signer) {
    const rows = [];
    if (publisher) {
      rows.push(compareRow('publisher', publisher.previous, publisher.now));
    }
    const now = (signer && signer.now) || {};
    const before = (signer && signer.previous) || {};
    const keys = [...new Set(['repository', 'workflow', 'ref', 'pgp-key', ...Object.keys(before), ...Object.keys(now)])];
    if (signer) {
      for (const k of keys) {
        rows.push(compareRow('signer ' + k, before[k], now[k]));
      }
    }
    if (rows.length === 0) {
      return section('Publisher and signer', 'identity', el('p', {class: 'muted'}, 'No identity facts recorded.'));
    }
    return section('Publisher and signer', 'identity',
      el('div', {class: 'scroll'}, el('table', {class: 'compare', testid: 'identity-table'},
        el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, ''), el('th', {scope: 'col'}, 'Before'),
          el('th', {scope: 'col'}, 'Now'))),
        el('tbody', {}, rows))));
  }

  function compareRow(label, before, now) {
    const changed = text(before) !== text(now);
    return el('tr', {class: changed ? 'changed' : null, testid: 'identity-' + label.replace(/\s+/g, '-')},
      el('th', {scope: 'row'}, label, changed ? el('span', {class: 'tag tag-changed'}, 'changed') : null),
      el('td', {}, text(before)), el('td', {}, text(now)));
  }

  function agesPanel(ev, findings) {
    // The age check's own evidence fills in what the summary lacks.
    const age = (Array.isArray(findings) ? findings : []).find((f) => f.check === 'age');
    const fromAge = (age && age.evidence) || {};
    const published = ev.publishedAt || (fromAge.publishedAt !== 'unknown' ? fromAge.publishedAt : null);
    const firstSeen = ev.firstSeen || fromAge.firstSeenByAirlock;
    const when = (iso, testid) => el('dd', {testid}, time(iso),
      iso && !Number.isNaN(new Date(iso).getTime()) ? el('span', {class: 'muted'}, ' (' + ago(new Date(iso)) + ')') : null);
    return section('Ages', 'ages', el('dl', {class: 'kv'},
      el('dt', {}, 'published'), when(published, 'published-at'),
      el('dt', {}, 'first seen by Airlock'), when(firstSeen, 'first-seen'),
      ev.heldUntil ? [el('dt', {}, 'held until'), when(ev.heldUntil, 'held-until')] : null,
      fromAge.minimumReleaseAge ? [el('dt', {}, 'minimum age'), el('dd', {}, text(fromAge.minimumReleaseAge))] : null));
  }

  /** The text of the files the hooks run, as shipped: set as text content, never as markup. */
  function hookFilesPanel(files) {
    const entries = Object.entries(files || {});
    if (entries.length === 0) {
      return null;
    }
    return section('What the hooks run', 'hook-files',
      entries.map(([path, content]) => el('div', {class: 'hook-file', testid: 'hook-file', 'data-path': text(path)},
        el('h3', {}, el('code', {}, text(path))),
        el('pre', {class: 'file-text', testid: 'hook-file-text'}, text(content)))));
  }

  function filesPanel(files) {
    if (!files) {
      return null;
    }
    const summary = el('p', {class: 'muted'}, `${files.count} files, ${files.size} bytes`);
    if (!files.previousListed) {
      return section('Files', 'files', summary, el('p', {class: 'muted'}, 'The previous version\'s files were not read.'));
    }
    const rows = [];
    const add = (list, kind, sign) => (list || []).forEach((f) => rows.push(el('tr', {class: kind, testid: 'file-' + kind},
      el('td', {}, el('span', {class: 'sr-only'}, kind + ': '), el('span', {class: 'diff-op', 'aria-hidden': 'true'}, sign)),
      el('td', {}, el('code', {}, text(f.path))),
      el('td', {class: 'num'}, f.previousSize === undefined ? String(f.size) : `${f.previousSize} → ${f.size}`))));
    add(files.added, 'added', '+');
    add(files.removed, 'removed', '-');
    add(files.changed, 'changed', '~');
    return section('Files changed since the previous version', 'files', summary,
      rows.length === 0 ? el('p', {class: 'muted'}, 'None.')
        : el('table', {class: 'list files', testid: 'files-table'},
          el('thead', {}, el('tr', {}, ['', 'Path', 'Size'].map((h) => el('th', {scope: 'col'}, h)))),
          el('tbody', {}, rows)),
      files.notShown ? el('p', {class: 'muted'}, `${files.notShown} more not shown.`) : null);
  }

  function dependenciesPanel(deps) {
    const added = Object.entries((deps && deps.added) || {});
    const removed = (deps && deps.removed) || [];
    if (added.length === 0 && removed.length === 0) {
      return section('Dependency changes', 'dependencies', el('p', {class: 'muted'}, 'None.'));
    }
    return section('Dependency changes', 'dependencies',
      el('ul', {class: 'deps'},
        added.map(([name, range]) => el('li', {class: 'added', testid: 'dep-added'},
          el('span', {class: 'sr-only'}, 'added: '), el('span', {class: 'diff-op', 'aria-hidden': 'true'}, '+'),
          el('code', {}, text(name)), ' ', el('span', {class: 'muted'}, text(range)))),
        removed.map((name) => el('li', {class: 'removed', testid: 'dep-removed'},
          el('span', {class: 'sr-only'}, 'removed: '), el('span', {class: 'diff-op', 'aria-hidden': 'true'}, '-'),
          el('code', {}, text(name))))));
  }

  function findingsPanel(findings) {
    const list = Array.isArray(findings) ? findings : [];
    return section(`Findings (${list.length})`, 'findings', list.length === 0 ? el('p', {class: 'muted'}, 'None.')
      : list.map((f) => el('article', {class: 'finding' + (f.holds ? ' holds' : ''), testid: 'finding'},
        el('h3', {}, el('span', {class: 'tag'}, text(f.check)), ' ',
          el('span', {class: f.holds ? 'tag tag-holds' : 'tag tag-note'}, f.holds ? 'holds' : 'note')),
        el('p', {class: 'message'}, text(f.message)),
        keyValues(f.evidence, 'finding-evidence'))));
  }

  function historyPanel(decisions) {
    const list = Array.isArray(decisions) ? decisions : [];
    return section('History', 'history', list.length === 0 ? el('p', {class: 'muted'}, 'No decisions yet.')
      : el('div', {class: 'scroll'}, el('table', {class: 'list'},
        el('thead', {}, el('tr', {}, ['At', 'Action', 'By', 'Reason', 'Expires']
          .map((h) => el('th', {scope: 'col'}, h)))),
        el('tbody', {}, list.map((x) => el('tr', {testid: 'history-row'},
          el('td', {class: 'nowrap'}, time(x.at)), el('td', {}, text(x.action)), el('td', {}, text(x.actor)),
          el('td', {}, text(x.reason)), el('td', {class: 'nowrap'}, x.expiresAt ? time(x.expiresAt) : '—')))))));
  }

  async function viewAudit(ctx) {
    document.title = 'Audit log · Airlock';
    const p = ctx.params;
    const filters = {
      actor: p.get('actor') || '', action: p.get('action') || '', target: p.get('target') || '',
      since: p.get('since') || '',
    };
    const limit = intParam(p, 'limit', 50, 1, 500);
    const offset = intParam(p, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);

    const actor = el('input', {id: 'a-actor', type: 'search', value: filters.actor, testid: 'audit-actor'});
    const action = el('input', {id: 'a-action', type: 'search', value: filters.action, list: 'a-actions',
      testid: 'audit-action'});
    const actions = el('datalist', {id: 'a-actions'}, ACTIONS.map((a) => el('option', {value: a})));
    const target = el('input', {id: 'a-target', type: 'search', value: filters.target, testid: 'audit-target'});
    const since = el('input', {id: 'a-since', type: 'text', value: filters.since, placeholder: '2026-01-31T00:00:00Z',
      testid: 'audit-since'});
    const size = select('a-limit', PAGE_SIZES.map((n) => [String(n), String(n)]), String(limit), 'audit-limit');
    const form = el('form', {class: 'filters', role: 'search', 'aria-label': 'Filter the audit log', testid: 'audit-filters'},
      field('Actor', actor), field('Action', action), actions, field('Target', target), field('Since', since),
      field('Per page', size),
      el('div', {class: 'actions'}, el('button', {type: 'submit', testid: 'audit-apply'}, 'Apply')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      location.hash = routes.audit({
        actor: actor.value.trim(), action: action.value.trim(), target: target.value.trim(), since: since.value.trim(),
        limit: size.value === '50' ? '' : size.value,
      });
    });

    const verifyResult = el('p', {class: 'verify-result', role: 'status', testid: 'verify-result', hidden: true});
    const verify = el('button', {type: 'button', testid: 'verify'}, 'Verify chain');
    const exportButton = el('button', {type: 'button', testid: 'export'}, 'Export (JSON lines)');
    const loading = el('p', {class: 'muted'}, 'Loading the audit log…');
    ctx.main.append(el('h1', {tabindex: '-1'}, 'Audit log'),
      el('div', {class: 'toolbar'}, verify, exportButton), verifyResult, form, loading);

    verify.addEventListener('click', async () => {
      verify.disabled = true;
      verifyResult.hidden = false;
      verifyResult.className = 'verify-result';
      verifyResult.textContent = 'Verifying…';
      try {
        const r = await api('GET', 'audit/verify');
        for (const row of ctx.main.querySelectorAll('tr.broken')) {
          row.classList.remove('broken');
        }
        if (r.ok) {
          verifyResult.classList.add('ok');
          verifyResult.textContent = `Chain intact: all ${text(r.entries)} entries verify.`;
        } else {
          verifyResult.classList.add('bad');
          verifyResult.textContent = `Chain broken at entry #${text(r.brokenAt)}: ${text(r.why)} (${text(r.entries)} entries).`;
          const row = ctx.main.querySelector(`tr[data-seq="${CSS.escape(String(r.brokenAt))}"]`);
          if (row) {
            row.classList.add('broken');
          }
        }
      } catch (e) {
        if (!(e instanceof SignedOut)) {
          verifyResult.classList.add('bad');
          verifyResult.textContent = errorBox(e).textContent;
        }
      } finally {
        verify.disabled = false;
      }
    });
    exportButton.addEventListener('click', async () => {
      exportButton.disabled = true;
      try {
        const body = await api('GET', 'audit/export', {raw: true});
        const url = URL.createObjectURL(new Blob([body], {type: 'application/x-ndjson'}));
        const a = el('a', {href: url, download: 'airlock-audit.ndjson', hidden: true});
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      } catch (e) {
        if (!(e instanceof SignedOut)) {
          verifyResult.hidden = false;
          verifyResult.className = 'verify-result bad';
          verifyResult.textContent = errorBox(e).textContent;
        }
      } finally {
        exportButton.disabled = false;
      }
    });

    const data = await api('GET', 'audit', {query: Object.assign({}, filters, {limit, offset})});
    if (!ctx.live()) {
      return;
    }
    const items = Array.isArray(data.items) ? data.items : [];
    const total = Number.isFinite(data.total) ? data.total : items.length;
    const keep = Object.assign({}, filters, {limit: limit === 50 ? '' : limit, view: filters.view === 'all' ? 'all' : ''});
    const table = el('table', {class: 'list', testid: 'audit-table'},
      el('caption', {class: 'sr-only'}, 'Audit entries, newest first'),
      el('thead', {}, el('tr', {}, ['Seq', 'At', 'Actor', 'Action', 'Target', 'Reason', 'Details']
        .map((h) => el('th', {scope: 'col'}, h)))),
      el('tbody', {}, items.map((e) => el('tr', {testid: 'audit-row', 'data-seq': text(e.seq)},
        el('td', {class: 'num'}, text(e.seq)),
        el('td', {class: 'nowrap'}, time(e.at)),
        el('td', {}, text(e.actor)),
        el('td', {}, el('span', {class: 'tag'}, text(e.action))),
        el('td', {class: 'target'}, text(e.target)),
        el('td', {class: 'reason'}, text(e.reason)),
        el('td', {}, auditDetails(e))))));
    loading.replaceWith(
      el('p', {class: 'summary', testid: 'audit-total'}, total === 0 ? 'Nothing matches.'
        : `${offset + 1}–${offset + items.length} of ${total}`),
      items.length ? el('div', {class: 'scroll'}, table) : null,
      pager(total, offset, limit, items.length, (o) => routes.audit(Object.assign({}, keep, {offset: o || ''})), 'audit'));
  }

  function auditDetails(entry) {
    const details = Object.assign({}, entry.details || {});
    const fields = Object.keys(details).length;
    return el('details', {},
      el('summary', {}, fields === 1 ? '1 field' : `${fields} fields`),
      keyValues(details, 'audit-details'),
      el('dl', {class: 'kv hashes'},
        el('dt', {}, 'hash'), el('dd', {}, el('code', {}, text(entry.hash))),
        el('dt', {}, 'previous'), el('dd', {}, el('code', {}, text(entry.prevHash)))));
  }

  async function viewPackage(ctx, ecosystem, name) {
    document.title = `${name} · Airlock`;
    const loading = el('p', {class: 'muted'}, 'Loading the package…');
    ctx.main.append(el('p', {class: 'crumbs'}, link(routes.queue(), '← Queue')),
      el('h1', {tabindex: '-1', testid: 'package-title'}, el('span', {class: 'pkg'}, name), ' ',
        el('span', {class: 'tag'}, ecosystem)), loading);
    const data = await api('GET', 'packages/' + seg(ecosystem) + '/' + name.split('/').map(seg).join('/'));
    if (!ctx.live()) {
      return;
    }
    const versions = Array.isArray(data.versions) ? data.versions : [];
    loading.replaceWith(versions.length === 0 ? el('p', {class: 'muted'}, 'Airlock has no verdicts for this package yet.')
      : el('div', {class: 'scroll'}, el('table', {class: 'list', testid: 'package-table'},
        el('thead', {}, el('tr', {}, ['Version', 'Verdict', 'Status', 'Why'].map((h) => el('th', {scope: 'col'}, h)))),
        el('tbody', {}, versions.map((v) => el('tr', {testid: 'package-row'},
          el('td', {class: 'version'}, v.id ? link(routes.release(v.id), text(v.version)) : text(v.version)),
          el('td', {}, text(v.verdict)),
          el('td', {}, v.status ? badge(v.status) : '—'),
          el('td', {}, reasonList(v.reasons))))))));
  }

  function start() {
    document.getElementById('signout').addEventListener('click', () => signOut('Signed out.'));
    window.addEventListener('hashchange', render);
    render();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
