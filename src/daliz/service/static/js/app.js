// The daliz page: plan a shipment, see the alternatives on the map, in a table and in charts,
// open one for its legs and documents, switch language, save plans with an API key.

import { api, currentKey, ProblemError, setKey, setLanguage as setApiLanguage } from './api.js';
import { attachAutocomplete } from './autocomplete.js';
import { barChart } from './chart.js';
import { applyStrings, lang, nameIn, num, setStrings, t } from './i18n.js';
import { RouteMap } from './map.js';

// Okabe–Ito colours (distinguishable with colour-vision deficiencies), then two more.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C564B', '#333333'];

const state = {
  places: new Map(),
  dataset: null,
  commodities: [],
  me: null,
  result: null,
  request: null,
  selected: null,
  map: null,
};

const $ = (id) => document.getElementById(id);

function status(value) {
  document.body.dataset.status = value;
}

// ------------------------------------------------------------------ language
function applyLanguage(code, table) {
  setStrings(code, table);
  setApiLanguage(code);
  document.documentElement.lang = code;
  document.documentElement.dir = code === 'ur' ? 'rtl' : 'ltr';
  $('lang').value = code;
  applyStrings();
}

async function switchLanguage(code) {
  const data = await api('/api/v1/ui/strings?lang=' + encodeURIComponent(code));
  document.cookie = 'daliz_lang=' + data.lang + '; path=/; max-age=31536000; SameSite=Strict';
  const url = new URL(window.location.href);
  url.searchParams.set('lang', data.lang);
  window.history.replaceState(null, '', url);
  applyLanguage(data.lang, data.strings);
  document.documentElement.dir = data.dir;
  for (const id of ['origin', 'destination']) {
    const input = $(id);
    const place = state.places.get(input.dataset.placeId);
    if (place) input.value = nameIn(place.names, place.name);
  }
  await Promise.all([loadCommodities(), loadDataset(), loadTrade()]);
  renderWho();
  if (state.result) renderResult(state.selected);
  document.body.dataset.lang = data.lang;
}

// ------------------------------------------------------------------ reference data
async function loadPlaces() {
  const places = await api('/api/v1/places');
  state.places = new Map(places.map((p) => [p.id, p]));
}

async function loadDataset() {
  const info = await api('/api/v1/dataset');
  state.dataset = info;
  const stamp = $('dataset-stamp');
  stamp.textContent = t('app.dataset') + ': ' + info.name + ' ' + info.version;
  stamp.title = info.title + ' — ' + info.content_hash.slice(0, 12);
  const box = $('avoid-countries');
  const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
  box.replaceChildren();
  for (const country of info.countries) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'avoid_countries';
    input.value = country.code;
    input.checked = checked.has(country.code);
    label.append(input, ' ' + country.name);
    box.append(label);
  }
  if (state.map) state.map.setLabels(info.countries.map((c) => c.code));
}

async function loadCommodities() {
  const select = $('commodity');
  const previous = select.value;
  state.commodities = await api('/api/v1/commodities');
  select.replaceChildren();
  for (const c of state.commodities) {
    const option = document.createElement('option');
    option.value = c.id;
    option.textContent = c.name + (c.hs_codes.length ? ' (HS ' + c.hs_codes.join(', ') + ')' : '');
    select.append(option);
  }
  if (previous && state.commodities.some((c) => c.id === previous)) select.value = previous;
  else if (state.commodities.some((c) => c.id === 'wheat')) select.value = 'wheat';
}

async function loadMe() {
  try {
    state.me = await api('/api/v1/me');
  } catch (e) {
    state.me = null;
    if (e instanceof ProblemError && e.problem.status === 401) setKey('');
  }
  renderWho();
  const can = (p) => !!(state.me && state.me.permissions.includes(p));
  $('save-box').hidden = !(can('save') && state.result);
  if (can('saved_read')) await loadSaved();
  else $('saved').hidden = true;
}

function renderWho() {
  const me = state.me;
  $('who').textContent = !me || me.anonymous ? t('account.anonymous') : me.name + ' (' + me.role + ')';
}

async function loadSaved() {
  const page = await api('/api/v1/plans?limit=10');
  const list = $('saved-list');
  list.replaceChildren();
  for (const item of page.items) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = t('saved.open');
    button.addEventListener('click', () => openSaved(item.id));
    li.append(bdi(item.title), ' · ' + item.owner + ' ', button);
    list.append(li);
  }
  $('saved').hidden = page.items.length === 0;
}

async function loadTrade() {
  // The latest turnover each side published (they differ 2–4×: never merged).
  let figures = [];
  try {
    figures = await api('/api/v1/trade/published');
  } catch (e) {
    return; // trade figures are an extra: the page works without them
  }
  const latest = new Map();
  for (const f of figures) {
    if (f.indicator !== 'turnover') continue;
    const best = latest.get(f.side);
    const key = f.period_end + ':' + String(f.months).padStart(2, '0');
    if (!best || key > best.period_end + ':' + String(best.months).padStart(2, '0')) latest.set(f.side, f);
  }
  const list = $('trade-list');
  list.replaceChildren();
  for (const side of ['KZ', 'PK']) {
    const f = latest.get(side);
    if (!f) continue;
    const li = document.createElement('li');
    li.dataset.side = side;
    const link = document.createElement('a');
    link.href = f.source.url;
    link.rel = 'noreferrer';
    link.target = '_blank';
    link.textContent = f.source.publisher;
    li.append(
      t('trade.side_' + side) + ': ',
      bdi(f.period_label),
      ' — USD ' + num(f.value_usd / 1e6, 1) + ' ' + t('trade.million') +
        (f.growth_as_published ? ' (' + f.growth_as_published + ')' : '') + ' · ',
      link,
    );
    list.append(li);
  }
  $('trade').hidden = list.children.length === 0;
}

async function openSaved(id) {
  const saved = await api('/api/v1/plans/' + encodeURIComponent(id));
  state.result = saved.result;
  state.request = saved.request;
  renderResult(1);
  status('done');
}

// ------------------------------------------------------------------ planning
function readRequest() {
  const form = $('plan-form');
  const place = (id) => $(id).dataset.placeId || $(id).value.trim();
  const quantity = Number($('quantity').value);
  const unit = $('unit').value;
  const request = {
    origin: place('origin'),
    destination: place('destination'),
    commodity: $('commodity').value || null,
    objective: $('objective').value,
    avoid_countries: [...form.querySelectorAll('input[name=avoid_countries]:checked')].map((i) => i.value),
    avoid_modes: [...form.querySelectorAll('input[name=avoid_modes]:checked')].map((i) => i.value),
    max_alternatives: Number($('max-alternatives').value) || 5,
  };
  if (unit === 'tonne') request.tonnes = quantity;
  else {
    request.unit = unit;
    request.count = Math.max(1, Math.round(quantity));
  }
  if ($('date').value) request.date = $('date').value;
  if ($('deadline').value) request.deadline = $('deadline').value;
  if ($('max-days').value) request.max_days = Number($('max-days').value);
  return request;
}

async function submitPlan(event) {
  event.preventDefault();
  hideError();
  const button = $('plan-button');
  button.disabled = true;
  button.textContent = t('form.busy');
  status('planning');
  const request = readRequest();
  try {
    state.result = await api('/api/v1/plan', { method: 'POST', body: request });
    state.request = request;
    renderResult(1);
    status('done');
  } catch (e) {
    showError(e);
    status('error');
  } finally {
    button.disabled = false;
    button.textContent = t('form.submit');
  }
}

function hideError() {
  const box = $('error');
  box.hidden = true;
  box.replaceChildren();
}

function showError(error) {
  const problem = error instanceof ProblemError ? error.problem : { title: t('error.heading'), detail: String(error) };
  const box = $('error');
  box.replaceChildren();
  const title = document.createElement('strong');
  title.textContent = problem.title || t('error.heading');
  const detail = document.createElement('div');
  detail.dir = 'auto';
  detail.textContent = problem.detail || '';
  box.append(title, detail);
  if (Array.isArray(problem.errors) && problem.errors.length > 1) {
    const list = document.createElement('ul');
    for (const e of problem.errors) {
      const li = document.createElement('li');
      li.textContent = e.field + ': ' + e.message;
      list.append(li);
    }
    box.append(list);
  }
  if (Array.isArray(problem.suggestions) && problem.suggestions.length) {
    const line = document.createElement('div');
    line.append(t('error.did_you_mean') + ': ');
    for (const suggestion of problem.suggestions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'suggestion';
      button.textContent = suggestion;
      button.addEventListener('click', () => useSuggestion(problem, suggestion));
      line.append(button);
    }
    box.append(line);
  } else if (problem.hint) {
    const hint = document.createElement('div');
    hint.className = 'hint';
    hint.textContent = problem.hint;
    box.append(hint);
  }
  box.hidden = false;
}

function useSuggestion(problem, suggestion) {
  const match = /^(.*) \(([^()]+)\)$/.exec(suggestion);
  const id = match ? match[2] : suggestion;
  const place = state.places.get(id);
  if (place) {
    for (const field of ['origin', 'destination']) {
      const input = $(field);
      if (input.value && (problem.detail || '').includes(input.value)) {
        input.value = nameIn(place.names, place.name);
        input.dataset.placeId = place.id;
      }
    }
  } else if (state.commodities.some((c) => c.id === id)) {
    $('commodity').value = id;
  }
  hideError();
}

// ------------------------------------------------------------------ rendering
function corridorName(alt) {
  const corridor = state.dataset && state.dataset.corridors.find((c) => c.id === alt.corridor_id);
  return corridor ? nameIn(corridor.names, alt.corridor) : alt.corridor;
}

function placeName(id, fallback) {
  const place = state.places.get(id);
  return place ? nameIn(place.names, place.name) : fallback || id;
}

function median(totals) {
  return totals.days_p50 ?? totals.days;
}

function renderResult(rank) {
  const result = state.result;
  const alts = result.alternatives;
  $('results-empty').hidden = alts.length > 0;
  $('alternatives').hidden = alts.length === 0;
  $('charts').hidden = alts.length === 0;
  const body = $('alternatives').querySelector('tbody');
  body.replaceChildren();
  alts.forEach((alt, i) => {
    const tr = document.createElement('tr');
    tr.dataset.rank = alt.rank;
    tr.tabIndex = 0;
    const cells = [
      String(alt.rank),
      null,
      num(median(alt.totals), 1),
      alt.totals.days_p90 != null ? num(alt.totals.days_p90, 1) : '–',
      num(alt.totals.cost_usd),
      num(alt.totals.cost_usd_per_tonne, 1),
      num(alt.totals.co2e_kg / 1000, 1),
      String(alt.border_crossings.length),
      null,
    ];
    cells.forEach((text, c) => {
      const td = document.createElement('td');
      if (c >= 2 && c <= 7) td.className = 'num';
      if (c === 1) {
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = COLOURS[i % COLOURS.length];
        td.append(swatch, bdi(corridorName(alt)));
      } else if (c === 8) {
        if (alt.pareto) td.append(badge('pareto', t('results.pareto')));
        if (alt.blocked) td.append(badge('blocked', t('results.blocked')));
        const warnings = new Set([...alt.warnings, ...((alt.rules && alt.rules.warnings) || []).map((w) => w.message)]).size;
        if (warnings) td.append(badge('warn', '⚠ ' + warnings));
      } else {
        td.textContent = text;
      }
      tr.append(td);
    });
    tr.addEventListener('click', () => select(alt.rank));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        select(alt.rank);
      }
    });
    body.append(tr);
  });
  const label = (alt) => '#' + alt.rank;
  barChart(
    $('chart-cost'),
    alts.map((alt, i) => ({ label: label(alt), value: alt.totals.cost_usd, whisker: alt.totals.cost_usd_p90, colour: COLOURS[i % COLOURS.length] })),
    (v) => num(v),
  );
  barChart(
    $('chart-days'),
    alts.map((alt, i) => ({ label: label(alt), value: median(alt.totals), whisker: alt.totals.days_p90, colour: COLOURS[i % COLOURS.length] })),
    (v) => num(v, 1),
  );
  if (state.map) {
    state.map.onSelect = select;
    state.map.show(alts, COLOURS, state.places, rank);
  }
  const canSave = !!(state.me && state.me.permissions.includes('save'));
  $('save-box').hidden = !canSave;
  $('save-status').textContent = '';
  const req = result.request.resolved || {};
  $('plan-title').value =
    placeName(req.origin, result.request.origin) + ' → ' + placeName(req.destination, result.request.destination) +
    (req.commodity_name ? ', ' + req.commodity_name : '');
  select(alts.some((a) => a.rank === rank) ? rank : alts.length ? alts[0].rank : null);
}

// Text from the data may be in another script than the page (English names on the Urdu
// page): isolate it so the bidirectional algorithm orders each piece on its own.
function bdi(text) {
  const node = document.createElement('bdi');
  node.textContent = text;
  return node;
}

function badge(kind, text) {
  const span = document.createElement('span');
  span.className = 'badge ' + kind;
  span.textContent = text;
  return span;
}

function select(rank) {
  state.selected = rank;
  document.querySelectorAll('#alternatives tbody tr').forEach((tr) => {
    tr.setAttribute('aria-selected', Number(tr.dataset.rank) === rank ? 'true' : 'false');
  });
  if (state.map) state.map.select(rank);
  const alt = state.result && state.result.alternatives.find((a) => a.rank === rank);
  $('details').hidden = !alt;
  if (alt) renderDetails(alt);
}

function renderDetails(alt) {
  $('details').dataset.rank = alt.rank;
  $('details-title').replaceChildren('#' + alt.rank + ' ', bdi(corridorName(alt)));
  const tot = alt.totals;
  $('details-summary').textContent =
    num(tot.cost_usd) + ' USD · ' + num(median(tot), 1) + ' ' + t('word.days') +
    (tot.days_p90 != null ? ' (P90 ' + num(tot.days_p90, 1) + ')' : '') + ' · ' +
    num(tot.distance_km) + ' ' + t('details.km') + ' · ' + num(tot.co2e_kg / 1000, 1) + ' t CO2e';
  const legs = $('legs').querySelector('tbody');
  legs.replaceChildren();
  for (const leg of alt.legs) {
    const tr = document.createElement('tr');
    const mode = t('mode.' + leg.mode) + (leg.gauge_mm ? ' ' + leg.gauge_mm + ' mm' : '') +
      (leg.estimate ? ' ~' : '');
    const values = [
      mode, placeName(leg.from, leg.from_name), placeName(leg.to, leg.to_name),
      num(leg.distance_km), num(leg.hours, 1), num(leg.cost_usd), num(leg.co2e_kg),
    ];
    values.forEach((v, c) => {
      const td = document.createElement('td');
      if (c >= 3) td.className = 'num';
      td.textContent = v;
      if (c === 0 && leg.estimate) td.title = t('word.estimate');
      tr.append(td);
    });
    legs.append(tr);
  }
  const events = $('events');
  events.replaceChildren();
  for (const event of alt.events) {
    const li = document.createElement('li');
    li.append(
      bdi(placeName(event.place, event.place_name)),
      ': ' + t('event.' + event.kind) + ' — ',
      bdi(num(event.hours, 1) + ' h, ' + num(event.cost_usd) + ' USD'),
    );
    if (event.detail) li.append(' ', bdi('(' + event.detail + ')'));
    events.append(li);
  }
  renderDocuments(alt);
  renderFindings(alt);
}

function renderDocuments(alt) {
  const box = $('documents');
  box.replaceChildren();
  const docs = alt.rules && alt.rules.documents;
  const places = docs ? Object.keys(docs) : [];
  if (!places.length) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = t('details.no_documents');
    box.append(p);
    return;
  }
  for (const place of places) {
    const head = document.createElement('div');
    head.className = 'doc-place';
    head.textContent = placeName(place, place);
    const list = document.createElement('ul');
    list.className = 'doc-list';
    for (const item of docs[place]) {
      const li = document.createElement('li');
      const label = document.createElement('label');
      const check = document.createElement('input');
      check.type = 'checkbox';
      const text = document.createElement('span');
      text.dir = 'auto';
      text.textContent = item.document + (item.issued_by ? ' — ' + item.issued_by : '') +
        (item.reason ? ' (' + item.reason + ')' : '');
      label.append(check, text);
      li.append(label);
      list.append(li);
    }
    box.append(head, list);
  }
}

function renderFindings(alt) {
  const box = $('findings');
  box.replaceChildren();
  box.className = 'findings';
  const blockers = (alt.rules && alt.rules.blockers) || [];
  // The planner may repeat rule warnings in alt.warnings: show each message once.
  const warnings = [
    ...new Set([...((alt.rules && alt.rules.warnings) || []).map((w) => w.message), ...alt.warnings]),
  ];
  if (blockers.length) {
    const h = document.createElement('h3');
    h.textContent = t('details.blockers');
    box.append(h);
    for (const b of blockers) {
      const p = document.createElement('p');
      p.className = 'blocker';
      p.dir = 'auto';
      p.textContent = '⛔ ' + b.message;
      box.append(p);
    }
  }
  if (warnings.length) {
    const h = document.createElement('h3');
    h.textContent = t('results.warnings');
    box.append(h);
    for (const w of warnings) {
      const p = document.createElement('p');
      p.className = 'warning';
      p.dir = 'auto';
      p.textContent = '⚠ ' + w;
      box.append(p);
    }
  }
}

async function savePlan() {
  const statusText = $('save-status');
  try {
    await api('/api/v1/plans', {
      method: 'POST',
      body: { title: $('plan-title').value.trim() || 'plan', request: state.request },
    });
    statusText.textContent = t('saved.saved');
    await loadSaved();
  } catch (e) {
    showError(e);
  }
}

// ------------------------------------------------------------------ start
async function start() {
  const initial = JSON.parse($('initial-strings').textContent);
  applyLanguage(initial.lang, initial.strings);
  document.body.dataset.lang = initial.lang;
  status('loading');
  $('date').value = new Date().toISOString().slice(0, 10);
  if (window.L) state.map = new RouteMap($('map'));
  $('lang').addEventListener('change', (e) => switchLanguage(e.target.value).catch(showError));
  $('plan-form').addEventListener('submit', submitPlan);
  $('save-button').addEventListener('click', savePlan);
  $('api-key').value = currentKey();
  $('key-use').addEventListener('click', () => {
    setKey($('api-key').value);
    loadMe().catch(showError);
  });
  $('key-forget').addEventListener('click', () => {
    setKey('');
    $('api-key').value = '';
    loadMe().catch(showError);
  });
  attachAutocomplete($('origin'), $('origin-list'));
  attachAutocomplete($('destination'), $('destination-list'));
  const basemap = state.map ? state.map.loadBasemap('/static/basemap/countries.geojson') : Promise.resolve();
  try {
    await Promise.all([loadPlaces(), loadCommodities(), basemap, loadMe(), loadTrade()]);
    await loadDataset();
    status('ready');
  } catch (e) {
    showError(e);
    status('error');
  }
}

start();
