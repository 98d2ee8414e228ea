// The report-submission page: checks a report as it is typed against a plan, with the tuanthu
// engine compiled to WebAssembly, and shows the plan's compliance status. No framework: the page
// is small and must run offline from static files.

import init, {
  Engine, Plan, submissionsFromCsv, parseDate, version, statusLabel, periodLabel as enginePeriodLabel,
} from './pkg/tuanthu_wasm.js';

const $ = (selector) => document.querySelector(selector);

const TEXT = {
  vi: {
    title: 'Nộp báo cáo',
    language: 'Ngôn ngữ',
    planHeading: 'Kế hoạch',
    example: 'Kế hoạch mẫu',
    planFile: 'Hoặc mở tệp kế hoạch (JSON)',
    asOf: 'Ngày đánh giá',
    formHeading: 'Thông tin báo cáo',
    obligation: 'Nhiệm vụ',
    agency: 'Cơ quan báo cáo',
    stage: 'Bước',
    period: 'Kỳ báo cáo',
    received: 'Ngày nhận',
    documentNumber: 'Số, ký hiệu văn bản',
    submit: 'Thêm báo cáo',
    statusHeading: 'Tình hình thực hiện',
    colObligation: 'Nhiệm vụ',
    colAgency: 'Cơ quan',
    colPeriod: 'Kỳ',
    colStatus: 'Trạng thái',
    colDue: 'Hạn cuối',
    colDays: 'Số ngày',
    total: 'Tổng',
    loading: 'Đang tải…',
    planInfo: (p, n, s) => `${p.title} (${p.id}) — ${n} nhiệm vụ, ${s} báo cáo đã nhận`,
    fileSource: (name) => `tệp ${name}`,
    planError: (source) => `Không mở được kế hoạch (${source})`,
    evalError: 'Không đánh giá được kế hoạch',
    unexpectedError: 'Lỗi không mong đợi',
    loadError: 'Không tải được bộ máy kiểm tra',
    fixErrors: 'Hãy sửa các lỗi trước khi thêm báo cáo.',
    added: (f) => `Đã thêm báo cáo của ${f.agency} cho nhiệm vụ ${f.obligation}.`,
    late: (n) => `trễ ${n}`,
    left: (n) => `còn ${n}`,
    dueSoon: 'sắp đến hạn',
    noRows: 'Không có dòng nào.',
  },
  en: {
    title: 'Submit a report',
    language: 'Language',
    planHeading: 'Plan',
    example: 'Example plan',
    planFile: 'Or open a plan file (JSON)',
    asOf: 'Evaluation date',
    formHeading: 'Report details',
    obligation: 'Obligation',
    agency: 'Reporting agency',
    stage: 'Stage',
    period: 'Period',
    received: 'Received on',
    documentNumber: 'Document number',
    submit: 'Add report',
    statusHeading: 'Compliance status',
    colObligation: 'Obligation',
    colAgency: 'Agency',
    colPeriod: 'Period',
    colStatus: 'Status',
    colDue: 'Last day',
    colDays: 'Days',
    total: 'Total',
    loading: 'Loading…',
    planInfo: (p, n, s) => `${p.title} (${p.id}) — ${n} obligations, ${s} reports received`,
    fileSource: (name) => `file ${name}`,
    planError: (source) => `Cannot open the plan (${source})`,
    evalError: 'Cannot evaluate the plan',
    unexpectedError: 'Unexpected error',
    loadError: 'Cannot load the checking engine',
    fixErrors: 'Fix the errors before adding the report.',
    added: (f) => `Added the report of ${f.agency} for obligation ${f.obligation}.`,
    late: (n) => `${n} late`,
    left: (n) => `${n} left`,
    dueSoon: 'due soon',
    noRows: 'No rows.',
  },
};

// The contract's statuses in table order; their labels come from the engine (the CLI's words).
const STATUSES = ['done_on_time', 'done_late', 'in_progress', 'overdue', 'ongoing', 'not_triggered', 'unknown'];
const FIELDS = ['obligation', 'agency', 'stage', 'period', 'received', 'document_number'];

const state = {
  lang: 'vi',
  engine: null,
  plan: null,
  obligations: [],
  // Context of the loaded example; a plan opened from a file has none.
  registry: undefined,
  events: undefined,
  submissions: [],
  report: null,
  messages: [],
  // engine.formSession(...) for the plan at `sessionAsOf` (see formSession()).
  session: null,
  sessionAsOf: null,
  // Messages of a field show once the person has typed in it (or tried to submit), so an empty
  // form is not covered in "required" errors before anything was typed.
  touched: new Set(),
};

const t = (key) => TEXT[state.lang][key];

// ---------------------------------------------------------------------------------------------
// Small helpers

/** `2026-11-14` → `14/11/2026`, the way Vietnamese documents write dates. */
function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function asOf() {
  return $('#as-of').value || today();
}

/** The label of a period code of the contract (`2026`, `2026-Q2`, `event:X`...), by the engine. */
function periodLabel(code) {
  try {
    return enginePeriodLabel(code, state.lang);
  } catch {
    return code; // a period typed by hand that is not a code: shown as typed
  }
}

/** A readable line for an engine error (a `TuanthuError` has `kind`) or any other failure. */
function describeError(error) {
  const message = error?.message ?? String(error);
  return error?.name === 'TuanthuError' ? `${message} [${error.kind}]` : message;
}

function showError(element, title, error) {
  element.textContent = error === undefined ? title : `${title}: ${describeError(error)}`;
  element.hidden = false;
}

function clearError(element) {
  element.textContent = '';
  element.hidden = true;
}

/** Runs an event handler; a failure is shown on the page instead of escaping as an exception. */
function guard(fn) {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (error) {
      console.error(error);
      showError($('#page-error'), t('unexpectedError'), error);
    }
  };
}

function option(value, label) {
  const o = document.createElement('option');
  o.value = value;
  if (label !== undefined) o.textContent = label;
  return o;
}

function fillList(list, items) {
  list.replaceChildren(...items.map(([value, label]) => option(value, label)));
}

// ---------------------------------------------------------------------------------------------
// Loading plans

async function fetchText(url, required) {
  const response = await fetch(url);
  if (!response.ok) {
    if (required) throw new Error(`${url}: HTTP ${response.status}`);
    return undefined;
  }
  return response.text();
}

async function loadExample(name) {
  const base = `examples/${name}/`;
  const source = `examples/${name}`;
  try {
    const [planText, registryText, eventsText, csvText] = await Promise.all([
      fetchText(`${base}plan.json`, true),
      fetchText(`${base}registry.json`, false),
      fetchText(`${base}events.json`, false),
      fetchText(`${base}submissions.csv`, false),
    ]);
    const plan = Plan.fromJson(planText);
    setPlan(plan, {
      registry: registryText === undefined ? undefined : JSON.parse(registryText),
      events: eventsText === undefined ? undefined : JSON.parse(eventsText),
      submissions: csvText === undefined ? [] : submissionsFromCsv(csvText),
    });
  } catch (error) {
    showError($('#plan-error'), TEXT[state.lang].planError(source), error);
  }
}

async function loadFile(file) {
  try {
    const plan = Plan.fromJson(await file.text());
    setPlan(plan, { registry: undefined, events: undefined, submissions: [] });
  } catch (error) {
    // The previous plan stays loaded: the page remains usable.
    showError($('#plan-error'), TEXT[state.lang].planError(TEXT[state.lang].fileSource(file.name)), error);
  }
}

function setPlan(plan, context) {
  const previous = state.plan;
  state.plan = plan;
  state.obligations = plan.obligations();
  Object.assign(state, context);
  state.touched.clear();
  dropFormSession();
  // The Plan lives in WebAssembly memory: free the one it replaces.
  if (previous && previous !== plan) previous.free();
  clearError($('#plan-error'));

  fillList(
    $('#obligation'),
    state.obligations.map((o) => [o.id, `${o.id} — ${o.title}`]),
  );
  $('#plan-file').value = '';
  recompute();
  renderPlanInfo();
}

// ---------------------------------------------------------------------------------------------
// Compliance status

/** After the plan, the as-of date or the submissions change: the table, the pickers, the form. */
function recompute() {
  evaluate();
  refreshChoices();
  validate();
}

function evaluate() {
  clearError($('#page-error'));
  state.report = null;
  try {
    state.report = state.engine.evaluate(state.plan, state.submissions, state.events, asOf(), undefined, {
      registry: state.registry,
    });
  } catch (error) {
    showError($('#page-error'), t('evalError'), error);
  }
  renderStatus();
}

function renderStatus() {
  const tbody = $('#status-table tbody');
  const counts = $('#status-counts');
  const report = state.report;
  if (!report) {
    tbody.replaceChildren();
    counts.replaceChildren();
    return;
  }
  const total = report.summary.total;
  counts.replaceChildren(
    ...STATUSES.filter((s) => total[s] > 0).map((s) => {
      const li = document.createElement('li');
      li.dataset.status = s;
      li.textContent = `${statusLabel(s, state.lang)}: ${total[s]}`;
      return li;
    }),
    Object.assign(document.createElement('li'), {
      textContent: `${t('total')}: ${total.total}`,
    }),
  );

  const rows = report.assessments.map((a) => {
    const tr = document.createElement('tr');
    tr.dataset.status = a.status;
    tr.dataset.obligation = a.obligation;
    tr.dataset.period = a.period;
    const cell = (text, className) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (className) td.className = className;
      tr.append(td);
      return td;
    };
    cell(a.stage ? `${a.obligation}/${a.stage}` : a.obligation).title = a.title ?? '';
    cell(a.agency);
    cell(periodLabel(a.period));
    cell(statusLabel(a.status, state.lang), 'status');
    cell(formatDate(a.due?.last_day), 'date');
    const days = cell('', 'num');
    if (a.days_late != null) days.textContent = t('late')(a.days_late);
    else if (a.days_remaining != null) {
      days.textContent = t('left')(a.days_remaining);
      if (a.due_soon) {
        days.classList.add('due-soon');
        days.title = t('dueSoon');
        days.textContent += ' !';
      }
    }
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    tr.append(Object.assign(document.createElement('td'), { colSpan: 6, textContent: t('noRows') }));
    rows.push(tr);
  }
  tbody.replaceChildren(...rows);
}

function renderPlanInfo() {
  const info = $('#plan-info');
  info.textContent = state.plan
    ? t('planInfo')(state.plan, state.obligations.length, state.submissions.length)
    : t('loading');
  $('#footer').textContent = state.engine ? `tuanthu ${version()} · ${state.engine.rulePack}` : '';
}

// ---------------------------------------------------------------------------------------------
// The form

/** Agencies, stages and periods offered for the chosen obligation (typing others is allowed). */
function refreshChoices() {
  const id = $('#obligation').value;
  const obligation = state.obligations.find((o) => o.id === id);
  const assessments = (state.report?.assessments ?? []).filter((a) => a.obligation === id);
  const unique = (xs) => [...new Set(xs.filter(Boolean))];

  // Responsible names may be groups ("UBND các xã, phường"); the report names their members.
  const agencies = unique([...(obligation?.responsible ?? []), ...assessments.map((a) => a.agency)]);
  fillList($('#agency-list'), agencies.map((a) => [a]));

  const stages = unique(assessments.map((a) => a.stage));
  fillList($('#stage-list'), stages.map((s) => [s]));
  $('#stage-field').hidden = stages.length === 0;

  const agency = $('#agency').value.trim();
  const own = assessments.filter((a) => a.agency === agency);
  const periods = unique((own.length ? own : assessments).map((a) => a.period)).filter(
    (p) => p !== 'awaiting-event',
  );
  fillList($('#period-list'), periods.map((p) => [p, periodLabel(p)]));
}

function readForm() {
  const value = (id) => $(`#${id}`).value.trim();
  const optional = (id) => value(id) || undefined;
  return {
    agency: value('agency'),
    obligation: value('obligation'),
    stage: $('#stage-field').hidden ? undefined : optional('stage'),
    period: optional('period'),
    received: value('received'),
    document_number: optional('document_number'),
  };
}

/**
 * The validator of the loaded plan at the chosen as-of date: it reads the plan's events and
 * registry once, not at every keystroke. Made again when the plan or the date changes.
 */
function formSession() {
  const day = asOf();
  if (!state.session || state.sessionAsOf !== day) {
    dropFormSession();
    state.session = state.engine.formSession(state.plan, {
      asOf: day,
      events: state.events,
      registry: state.registry,
    });
    state.sessionAsOf = day;
  }
  return state.session;
}

function dropFormSession() {
  state.session?.free();
  state.session = null;
}

function validate() {
  if (!state.plan) return;
  try {
    state.messages = formSession().validate(readForm());
  } catch (error) {
    state.messages = [
      { field: null, severity: 'error', ruleId: 'engine', message_vi: describeError(error), message_en: describeError(error) },
    ];
  }
  renderMessages();
}

function renderMessages() {
  const byField = new Map();
  for (const m of state.messages) {
    // A field that is not on the form (a hidden stage) or a message about the whole form goes
    // to the form-level area; a field not typed in yet stays quiet.
    let field = m.field && FIELDS.includes(m.field) ? m.field : 'form';
    if (field === 'stage' && $('#stage-field').hidden) field = 'form';
    if (field !== 'form' && !state.touched.has(field)) continue;
    if (!byField.has(field)) byField.set(field, []);
    byField.get(field).push(m);
  }
  for (const box of document.querySelectorAll('[data-messages-for]')) {
    const field = box.dataset.messagesFor;
    const list = byField.get(field) ?? [];
    box.replaceChildren(
      ...list.map((m) => {
        const p = document.createElement('p');
        p.className = 'message';
        p.dataset.rule = m.ruleId;
        p.dataset.severity = m.severity;
        p.textContent = state.lang === 'en' ? m.message_en : m.message_vi;
        const rule = document.createElement('span');
        rule.className = 'rule';
        rule.textContent = `(${m.ruleId})`;
        p.append(rule);
        return p;
      }),
    );
    const input = document.getElementById(field);
    if (input) {
      if (list.some((m) => m.severity === 'error')) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }
}

function submit() {
  FIELDS.forEach((f) => state.touched.add(f));
  validate();
  const result = $('#submit-result');
  if (state.messages.some((m) => m.severity === 'error')) {
    result.textContent = t('fixErrors');
    return;
  }
  const form = readForm();
  state.submissions.push({
    agency: form.agency,
    obligation: form.obligation,
    received: parseDate(form.received),
    ...(form.period && { period: form.period }),
    ...(form.stage && { stage: form.stage }),
    ...(form.document_number && { document_number: form.document_number }),
  });
  result.textContent = t('added')(form);
  for (const id of ['agency', 'stage', 'period', 'received', 'document_number']) $(`#${id}`).value = '';
  state.touched.clear();
  recompute();
  renderPlanInfo();
}

// ---------------------------------------------------------------------------------------------
// Language

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.title = `${t('title')} — tuanthu`;
  renderPlanInfo();
  renderStatus();
  if (state.plan) refreshChoices();
  renderMessages();
}

// ---------------------------------------------------------------------------------------------
// Start

async function main() {
  const lang = new URLSearchParams(location.search).get('lang');
  state.lang = lang === 'en' ? 'en' : 'vi';
  $('#lang').value = state.lang;
  $('#as-of').value = today();
  applyLanguage();

  const timings = {};
  try {
    let start = performance.now();
    await init();
    timings.initMs = performance.now() - start;
    start = performance.now();
    state.engine = new Engine();
    timings.engineMs = performance.now() - start;
  } catch (error) {
    showError($('#page-error'), `${TEXT.vi.loadError} / ${TEXT.en.loadError}`, error);
    return;
  }

  $('#lang').addEventListener('change', guard(() => {
    state.lang = $('#lang').value;
    applyLanguage();
  }));
  $('#example').addEventListener('change', guard(() => loadExample($('#example').value)));
  $('#plan-file').addEventListener('change', guard(async () => {
    const file = $('#plan-file').files[0];
    if (file) await loadFile(file);
  }));
  $('#as-of').addEventListener('change', guard(recompute));
  const form = $('#submission-form');
  // `input` fires on every keystroke, on picking from a datalist and on choosing in a select.
  const onEdit = guard((event) => {
    const field = event.target.name;
    if (!FIELDS.includes(field)) return;
    state.touched.add(field);
    if (field === 'obligation' || field === 'agency') refreshChoices();
    validate();
  });
  form.addEventListener('input', onEdit);
  form.addEventListener('submit', guard((event) => {
    event.preventDefault();
    submit();
  }));

  let start = performance.now();
  await loadExample($('#example').value);
  timings.firstPlanMs = performance.now() - start;

  // For tests and benchmarks: the live objects, read through getters as they change.
  window.tuanthu = {
    ready: true,
    module: { Engine, Plan, submissionsFromCsv, parseDate, version },
    get engine() { return state.engine; },
    get plan() { return state.plan; },
    get report() { return state.report; },
    get messages() { return state.messages; },
    get submissions() { return state.submissions; },
    asOf,
    // Start-up costs: instantiating the WebAssembly, the first engine, the first example loaded.
    timings,
  };
  document.body.dataset.ready = '1';
}

main();
