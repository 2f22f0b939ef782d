// The staff console of kiosk-central: plain JavaScript, no build step and
// nothing from another origin (the server's Content-Security-Policy allows
// only 'self'). Every word on screen comes from i18n/zh.json or en.json.
// The session lives in an HttpOnly cookie the page never sees; the CSRF
// token comes from the login answer (or GET /v1/staff/session after a
// reload) and goes into X-CSRF-Token on every state change.
'use strict';

const state = { lang: 'zh', words: {}, user: null, role: null, csrf: null, timer: null, voucher: null };
const $ = (sel) => document.querySelector(sel);
const FLEET_REFRESH_MS = 15000;

function t(key, vars) {
  let s = (state.words[state.lang] || {})[key];
  if (s === undefined) s = key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replace(`{${k}}`, String(v));
  return s;
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids) if (kid !== null && kid !== undefined) e.append(kid);
  return e;
}

function applyWords() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.dataset.i18nPlaceholder);
}

const locale = () => (state.lang === 'zh' ? 'zh-CN' : 'en-GB');
const fmtTime = (unix) => (unix ? new Date(unix * 1000).toLocaleString(locale(), { hour12: false }) : '—');
const fmtNum = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString(locale()));
const itemName = (name) => (name ? name[state.lang] || name.zh || '' : '');

function ago(seconds) {
  if (seconds === null || seconds === undefined) return t('time.never');
  if (seconds < 90) return t('time.seconds', { n: seconds });
  if (seconds < 5400) return t('time.minutes', { n: Math.round(seconds / 60) });
  return t('time.hours', { n: Math.round(seconds / 3600) });
}

function flash(text, kind) {
  const f = $('#flash');
  f.textContent = text;
  f.className = kind || 'ok';
  f.hidden = !text;
}

// One JSON call to the staff API. A 401 means the session has ended.
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = null;
  if (res.status !== 204) {
    try { json = await res.json(); } catch { json = null; }
  }
  if (res.status === 401 && path !== '/v1/staff/login' && path !== '/v1/staff/session') {
    signedOut();
    flash(t('error.session'), 'error');
  }
  return { status: res.status, json };
}

function errorText(r) {
  const code = r.json && r.json.error;
  const key = `error.${code}`;
  const text = t(key);
  return text === key ? t('error.generic', { code: code || r.status }) : text;
}

// ---- session and navigation ----------------------------------------------
function signedIn(s) {
  state.user = s.user;
  state.role = s.role;
  state.csrf = s.csrf_token;
  $('#user-name').textContent = `${s.user} · ${t(`role.${s.role}`)}`;
  $('#user-name').dataset.role = s.role;
  $('#logout').hidden = false;
  $('#nav').hidden = false;
  for (const a of document.querySelectorAll('#nav [data-admin]')) a.hidden = s.role !== 'admin';
  route();
}

function signedOut() {
  state.user = state.role = state.csrf = null;
  $('#user-name').textContent = '';
  $('#logout').hidden = true;
  $('#nav').hidden = true;
  show('login');
}

function show(view) {
  clearInterval(state.timer);
  state.timer = null;
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== `view-${view}`;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === view);
  document.body.dataset.view = view;
}

function route() {
  if (!state.user) return show('login');
  let view = (location.hash || '#desk').slice(1);
  if (!['desk', 'fleet', 'catalog', 'reports', 'staff'].includes(view)) view = 'desk';
  if (['catalog', 'reports', 'staff'].includes(view) && state.role !== 'admin') view = 'desk';
  flash('');
  show(view);
  if (view === 'desk') { renderVoucher(); $('#voucher-input').focus(); }
  if (view === 'fleet') { loadFleet(); state.timer = setInterval(loadFleet, FLEET_REFRESH_MS); }
  if (view === 'catalog') loadCatalog();
  if (view === 'reports') loadReports();
  if (view === 'staff') loadStaff();
}

async function login(ev) {
  ev.preventDefault();
  const r = await api('POST', '/v1/staff/login', { user: $('#login-user').value, password: $('#login-password').value });
  $('#login-password').value = '';
  const err = $('#login-error');
  if (r.status === 200) {
    err.hidden = true;
    signedIn(r.json);
  } else {
    err.textContent = errorText(r);
    err.hidden = false;
  }
}

async function logout() {
  await api('POST', '/v1/staff/logout');
  signedOut();
}

// ---- service desk ------------------------------------------------------------
// A USB scanner is a keyboard: it types the code into the focused input and
// presses Enter, which submits the form like a person typing would.
async function lookup(ev) {
  ev.preventDefault();
  const code = $('#voucher-input').value.trim();
  if (!code) return;
  const r = await api('GET', `/v1/staff/vouchers/${encodeURIComponent(code)}`);
  state.voucher = r.status === 200 ? r.json : null;
  flash(r.status === 200 ? '' : errorText(r), r.status === 200 ? 'ok' : 'error');
  renderVoucher();
  $('#voucher-input').select();
}

async function act(kind) {
  const v = state.voucher;
  let body;
  if (kind === 'void') {
    const reason = $('#void-reason').value.trim();
    if (!reason) { flash(t('desk.reason_needed'), 'error'); $('#void-reason').focus(); return; }
    body = { reason };
  }
  const r = await api('POST', `/v1/staff/vouchers/${encodeURIComponent(v.code)}/${kind}`, body);
  if (r.status === 200) {
    state.voucher = r.json;
    flash(t(kind === 'use' ? 'desk.used_ok' : 'desk.void_ok', { points: r.json.points_refunded || 0 }), 'ok');
  } else {
    flash(errorText(r), 'error');
  }
  renderVoucher();
  $('#voucher-input').focus();
  $('#voucher-input').select();
}

function row(label, value, cls) {
  return el('div', { class: `row ${cls || ''}` }, el('span', { class: 'label', text: label }), el('span', { class: 'value', text: value }));
}

function renderVoucher() {
  const card = $('#voucher-card');
  const v = state.voucher;
  card.replaceChildren();
  card.hidden = !v;
  if (!v) return;
  card.dataset.status = v.status;
  const kiosk = v.kiosk || {};
  let kioskText = kiosk.id || t('desk.kiosk_unknown');
  if (kiosk.id && kiosk.online === false) kioskText += ` · ${t('desk.kiosk_offline')}`;
  const parts = [
    el('div', { class: 'voucher-head' },
      el('h3', { text: `${itemName(v.item.name) || v.item.id} × ${v.quantity}` }),
      el('span', {},
        v.offline ? el('span', { id: 'voucher-offline-badge', class: 'badge offline-voucher', text: t('desk.offline') }) : null,
        el('span', { id: 'voucher-status', class: `badge status-${v.status}`, text: t(`status.${v.status}`) }))),
    row(t('desk.member'), `${v.member.name_masked} · ${v.member.phone_masked} (${v.member.id})`),
    row(t('desk.voucher_id'), v.voucher_id),
    row(t('desk.kiosk'), kioskText),
    row(t('desk.redeemed_at'), fmtTime(v.redeemed_at)),
    row(t('desk.expires_at'), fmtTime(v.expires_at)),
    v.changed_at ? row(t('desk.changed_at'), fmtTime(v.changed_at)) : null,
    row(t('desk.points'), fmtNum(v.points_charged)),
    v.offline ? el('p', { id: 'voucher-offline', class: 'warn', text: t('desk.offline_note', { kiosk: kiosk.id, time: fmtTime(v.issued_at) }) }) : null,
    v.void_reason ? row(t('desk.refused'), v.void_reason, 'bad') : null,
    printRows(v.prints || []),
    v.pending ? el('p', { id: 'voucher-pending', class: 'warn', text: t('desk.pending', { n: kiosk.queue_depth || 0 }) }) : null];
  card.append(...parts.filter((p) => p));
  if (v.status === 'issued' || v.status === 'expired') {
    const actions = el('div', { class: 'actions' });
    if (v.status === 'issued')
      actions.append(el('button', { type: 'button', id: 'use-btn', class: 'primary', text: t('desk.use'), onclick: () => act('use') }));
    actions.append(
      el('input', { id: 'void-reason', maxlength: '200', placeholder: t('desk.reason') }),
      el('button', { type: 'button', id: 'void-btn', class: 'danger', text: t('desk.void'), onclick: () => act('void') }));
    card.append(actions);
  }
}

// What the kiosks reported about paper: one line per print attempt.
function printReason(r) {
  if (!r) return t('desk.print_no_reason');
  const key = `print_reason.${r}`;
  const text = t(key);
  return text === key ? r : text;
}

function printRows(prints) {
  const list = el('ul', { id: 'voucher-prints', class: 'prints' });
  if (!prints.length) list.append(el('li', { class: 'none', text: t('desk.print_none') }));
  for (const p of prints) {
    const vars = { time: fmtTime(p.printed_at), kiosk: p.kiosk_id, reason: printReason(p.reason) };
    const key = p.outcome === 'printed' ? (p.reprint ? 'desk.reprinted' : 'desk.printed')
      : (p.reprint ? 'desk.reprint_failed' : 'desk.print_failed');
    list.append(el('li', { class: p.outcome === 'printed' ? 'ok' : 'bad', 'data-outcome': p.outcome, text: t(key, vars) }));
  }
  return el('div', { class: 'row' }, el('span', { class: 'label', text: t('desk.prints') }), list);
}

// ---- fleet -------------------------------------------------------------------
async function loadFleet() {
  const r = await api('GET', '/v1/staff/fleet');
  if (r.status !== 200) return flash(errorText(r), 'error');
  $('#fleet-time').textContent = `${t('fleet.updated')} ${fmtTime(r.json.server_time)}`;
  const body = $('#fleet-table tbody');
  body.replaceChildren();
  for (const k of r.json.kiosks) {
    const alerts = k.alerts || [];
    const tr = el('tr', { 'data-kiosk': k.id, 'data-online': String(k.online), class: alerts.length ? 'attention' : '' },
      el('td', { text: k.id }),
      el('td', {}, el('span', { class: `badge ${k.online ? 'online' : 'offline'}`, text: t(k.online ? 'fleet.online' : 'fleet.offline') }),
        ...alerts.filter((a) => a !== 'offline').map((a) => el('span', { class: 'badge alert', text: t(`alert.${a}`) }))),
      el('td', { text: k.last_heartbeat ? `${fmtTime(k.last_heartbeat)} (${ago(k.silent_s)})` : t('time.never') }),
      el('td', { text: k.printer ? t(`printer.${k.printer}`) : '—' }),
      el('td', { class: alerts.some((a) => a.startsWith('paper')) ? 'bad' : '', text: k.paper ? t(`paper.${k.paper}`) : '—' }),
      el('td', { text: fmtNum(k.queue_depth) }),
      el('td', { text: k.oldest_pending_age_s ? ago(k.oldest_pending_age_s) : '—' }),
      el('td', { class: k.rejected_offline > 0 ? 'bad' : '', text: fmtNum(k.rejected_offline) }),
      el('td', { text: k.version || '—' }));
    body.append(tr);
  }
}

// ---- catalog and stock ---------------------------------------------------------
const TIERS = ['standard', 'silver', 'gold', 'diamond'];
const pad = (n) => String(n).padStart(2, '0');
function toLocalInput(unix) {
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (s) => Math.floor(new Date(s).getTime() / 1000);

async function loadCatalog() {
  const r = await api('GET', '/v1/staff/items');
  if (r.status !== 200) return flash(errorText(r), 'error');
  $('#catalog-version').textContent = r.json.version;
  const body = $('#catalog-table tbody');
  body.replaceChildren();
  for (const it of r.json.items) body.append(itemRow(it));
}

function itemRow(it) {
  const num = (name, value) => el('input', { type: 'number', min: '0', step: '1', name, value: String(value), class: 'num' });
  const tr = el('tr', { 'data-item': it.id, class: it.stock === 0 ? 'attention' : '' },
    el('td', {}, el('b', { text: it.id }), ' ', itemName(it.name)),
    el('td', {}, num('stock', it.stock)),
    ...TIERS.map((tier) => el('td', {}, num(`price_${tier}`, it.tier_prices[tier]))),
    el('td', {}, el('input', { type: 'datetime-local', name: 'valid_from', value: toLocalInput(it.valid_from) })),
    el('td', {}, el('input', { type: 'datetime-local', name: 'valid_to', value: toLocalInput(it.valid_to) })),
    el('td', {}, el('input', { type: 'checkbox', name: 'offline', checked: it.offline_redeemable })),
    el('td', {}, el('button', { type: 'button', class: 'save', text: t('catalog.save'), onclick: () => saveItem(it, tr) })));
  return tr;
}

async function saveItem(it, tr) {
  const val = (name) => tr.querySelector(`[name="${name}"]`);
  const change = {};
  const stock = Number(val('stock').value);
  if (stock !== it.stock) change.stock = stock;
  const prices = {};
  for (const tier of TIERS) {
    const p = Number(val(`price_${tier}`).value);
    if (p !== it.tier_prices[tier]) prices[tier] = p;
  }
  if (Object.keys(prices).length) change.tier_prices = prices;
  const from = fromLocalInput(val('valid_from').value);
  const to = fromLocalInput(val('valid_to').value);
  if (toLocalInput(from) !== toLocalInput(it.valid_from)) change.valid_from = from;
  if (toLocalInput(to) !== toLocalInput(it.valid_to)) change.valid_to = to;
  if (val('offline').checked !== it.offline_redeemable) change.offline_redeemable = val('offline').checked;
  if (!Object.keys(change).length) return flash(t('catalog.unchanged'), 'ok');
  const r = await api('PATCH', `/v1/staff/items/${encodeURIComponent(it.id)}`, change);
  if (r.status !== 200) return flash(errorText(r), 'error');
  $('#catalog-version').textContent = r.json.version;
  tr.replaceWith(itemRow(r.json.item));
  flash(t('catalog.saved', { id: it.id, version: r.json.version }), 'ok');
}

// ---- reports -------------------------------------------------------------------
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// Vertical bars, one per entry, with the value above and the label below.
function barChart(entries, label, value) {
  const w = 720, h = 220, top = 20, bottom = 40;
  const max = Math.max(1, ...entries.map(value));
  const slot = Math.min(90, w / Math.max(1, entries.length));
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'bars', role: 'img' });
  chart.append(svg('line', { x1: 0, y1: h - bottom, x2: w, y2: h - bottom, class: 'axis' }));
  entries.forEach((e, i) => {
    const v = value(e);
    const bh = Math.round(((h - top - bottom) * v) / max);
    const x = i * slot + slot * 0.15;
    chart.append(svg('rect', { x, y: h - bottom - bh, width: slot * 0.7, height: bh, class: 'bar' }));
    if (v > 0) chart.append(svg('text', { x: x + slot * 0.35, y: h - bottom - bh - 4, class: 'val' }, fmtNum(v)));
    chart.append(svg('text', { x: x + slot * 0.35, y: h - bottom + 16, class: 'lbl' }, label(e)));
  });
  return chart;
}

async function loadReports() {
  const days = $('#report-days').value;
  const r = await api('GET', `/v1/staff/reports?days=${days}`);
  if (r.status !== 200) return flash(errorText(r), 'error');
  const rep = r.json;
  const tot = rep.totals;
  $('#report-totals').replaceChildren(
    ...[['reports.total_redemptions', tot.redemptions], ['reports.points_spent', tot.points_spent],
      ['reports.redemption_points', tot.redemption_points], ['reports.parking_points', tot.parking_points],
      ['reports.parking_hours', tot.parking_hours], ['reports.parking_free_hours', tot.parking_free_hours]]
      .map(([k, v]) => el('div', { class: 'total' }, el('span', { class: 'label', text: t(k) }), el('b', { text: fmtNum(v) }))));
  $('#chart-days').replaceChildren(barChart(rep.days, (d) => d.day.slice(5), (d) => d.quantity));
  $('#report-days-table tbody').replaceChildren(...rep.days.slice().reverse().map((d) =>
    el('tr', {}, el('td', { text: d.day }), el('td', { text: fmtNum(d.redemptions) }),
      el('td', { text: fmtNum(d.quantity) }), el('td', { text: fmtNum(d.points) }))));
  const items = rep.items.slice(0, 12);
  $('#chart-items').replaceChildren(items.length ? barChart(items, (i) => i.item_id, (i) => i.quantity)
    : el('p', { class: 'hint', text: t('reports.empty') }));
  $('#report-items-table tbody').replaceChildren(...rep.items.map((i) =>
    el('tr', {}, el('td', { text: `${i.item_id} ${itemName(i.name)}` }), el('td', { text: fmtNum(i.redemptions) }),
      el('td', { text: fmtNum(i.quantity) }), el('td', { text: fmtNum(i.points) }))));
}

// ---- staff accounts (admin) ----------------------------------------------------
async function loadStaff() {
  const r = await api('GET', '/v1/staff/accounts');
  if (r.status !== 200) return flash(errorText(r), 'error');
  $('#staff-table tbody').replaceChildren(...r.json.accounts.map(accountRow));
}

function accountRow(a) {
  const self = a.user === state.user;
  const stateText = a.state === 'locked' ? t('staff.locked', { time: fmtTime(a.locked_until) }) : t(`staff.${a.state}`);
  const action = a.disabled ? 'enable' : 'disable';
  return el('tr', { 'data-user': a.user, 'data-state': a.state, class: a.state === 'active' ? '' : 'attention' },
    el('td', {}, el('b', { text: a.user }), self ? ` ${t('staff.you')}` : ''),
    el('td', { text: t(`role.${a.role}`) }),
    el('td', {}, el('span', { class: `badge account-${a.state}`, text: stateText })),
    el('td', { text: fmtNum(a.sessions) }),
    el('td', { text: fmtTime(a.created_at) }),
    el('td', {}, self ? null : el('button', {
      type: 'button', class: a.disabled ? 'primary' : 'danger', 'data-action': action,
      text: t(`staff.${action}`), onclick: () => setAccount(a.user, action),
    })));
}

async function setAccount(user, action) {
  if (action === 'disable' && !window.confirm(t('staff.confirm_disable', { user }))) return;
  const r = await api('POST', `/v1/staff/accounts/${encodeURIComponent(user)}/${action}`);
  if (r.status !== 200) return flash(errorText(r), 'error');
  flash(t(action === 'disable' ? 'staff.disabled_ok' : 'staff.enabled_ok', { user }), 'ok');
  const old = document.querySelector(`#staff-table tr[data-user="${CSS.escape(user)}"]`);
  if (old) old.replaceWith(accountRow(r.json));
}

// ---- start ---------------------------------------------------------------------
async function start() {
  const [zh, en] = await Promise.all(['zh', 'en'].map((l) =>
    fetch(`/console/i18n/${l}.json`, { cache: 'no-store' }).then((r) => r.json())));
  state.words = { zh, en };
  state.lang = localStorage.getItem('console.lang') === 'en' ? 'en' : 'zh';
  applyWords();
  $('#login-form').addEventListener('submit', login);
  $('#voucher-form').addEventListener('submit', lookup);
  $('#logout').addEventListener('click', logout);
  $('#report-days').addEventListener('change', loadReports);
  $('#lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('console.lang', state.lang);
    applyWords();
    if (state.user) { $('#user-name').textContent = `${state.user} · ${t(`role.${state.role}`)}`; route(); }
  });
  window.addEventListener('hashchange', route);
  const r = await api('GET', '/v1/staff/session');
  if (r.status === 200) signedIn(r.json);
  else signedOut();
  document.body.dataset.ready = '1';
}

start();
