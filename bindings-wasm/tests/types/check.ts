// Compile-only test of the package's TypeScript definitions (`npx tsc -p tests/types`): every
// function and type used correctly, and wrong usages rejected (`@ts-expect-error` fails the
// compilation when the line below it is NOT an error). Nothing here runs.

import {
    Engine,
    Plan,
    parseDate,
    statusLabel,
    FormSession,
    periodLabel,
    submissionsFromCsv,
    version,
    type AgencyGroup,
    type AgencyRef,
    type AgencyRegistry,
    type AppliesTo,
    type Assessment,
    type Bound,
    type CalendarOverrides,
    type CaseResult,
    type DayOffRule,
    type Deadline,
    type DeadlineReading,
    type DueDate,
    type DueRule,
    type EvaluateOptions,
    type EvaluationRequest,
    type Event,
    type EventDeadline,
    type EventKind,
    type Finding,
    type FormField,
    type FormMessage,
    type FormOptions,
    type FormRequest,
    type Frequency,
    type IngestWarning,
    type LegalReference,
    type Obligation,
    type ObligationKind,
    type ObligationSummary,
    type PackManifest,
    type Period,
    type PlanData,
    type Policies,
    type PolicyOverrides,
    type RegisteredAgency,
    type Report,
    type Reporting,
    type RuleInfo,
    type RulePackSource,
    type RuleTestReport,
    type Schedule,
    type Severity,
    type SourceFile,
    type SourceSpan,
    type Stage,
    type Status,
    type StatusCounts,
    type Submission,
    type SubmissionForm,
    type Summary,
    type Trigger,
    type TuanthuError,
    type TuanthuErrorKind,
} from '../../pkg/node/tuanthu_wasm.js';
import initWeb, * as web from '../../pkg/web/tuanthu_wasm.js';

// ----- helpers -------------------------------------------------------------------------------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
function assertType<T>(_value: T): void {}
function never(x: never): never {
    throw new Error(`unexpected ${String(x)}`);
}

// The unions are exactly the serde enums.
const statusUnion: Equal<
    Status,
    'done_on_time' | 'done_late' | 'in_progress' | 'overdue' | 'ongoing' | 'not_triggered' | 'unknown'
> = true;
const severityUnion: Equal<Severity, 'info' | 'warning' | 'error'> = true;
const groupUnion: Equal<
    AgencyGroup,
    | 'departments'
    | 'communes'
    | 'press'
    | 'related'
    | 'public_service_units'
    | 'armed_forces'
    | 'enterprises'
    | 'mass_organisations'
    | 'schools'
> = true;
const boundUnion: Equal<Bound, 'before' | 'no_later_than'> = true;
const frequencyUnion: Equal<Frequency, 'yearly' | 'half_yearly' | 'quarterly' | 'monthly'> = true;
const scheduleTags: Equal<
    Schedule['type'],
    'once' | 'ongoing' | 'recurring' | 'event_triggered' | 'staged' | 'combined' | 'unparsed'
> = true;
const readingUnion: Equal<DeadlineReading, 'exclusive' | 'inclusive'> = true;
const dayOffUnion: Equal<DayOffRule, 'strict' | 'next_working_day'> = true;
const kindUnion: Equal<ObligationKind, 'task' | 'periodic_report'> = true;
const appliesUnion: Equal<AppliesTo, 'instance' | 'submission'> = true;
const errorKinds: Equal<TuanthuErrorKind, 'input' | 'evaluation' | 'rule' | 'usage'> = true;
// StatusCounts has one counter per status, plus the total.
const countsKeys: Equal<keyof StatusCounts, Status | 'total'> = true;
// The results the Rust side returns as JS objects are typed, not `any`.
const evaluateTyped: IsAny<ReturnType<Engine['evaluate']>> = false;
const evaluateReport: Equal<ReturnType<Engine['evaluate']>, Report> = true;
const rulesTyped: Equal<ReturnType<Engine['rules']>, RuleInfo[]> = true;
const testTyped: Equal<ReturnType<Engine['test']>, RuleTestReport> = true;
const formTyped: Equal<ReturnType<Engine['validateSubmission']>, FormMessage[]> = true;
const toJsonTyped: Equal<ReturnType<Plan['toJSON']>, PlanData> = true;
const warningsTyped: Equal<ReturnType<Plan['warnings']>, IngestWarning[]> = true;
const pickerTyped: Equal<ReturnType<Plan['obligations']>, ObligationSummary[]> = true;
const csvTyped: Equal<ReturnType<typeof submissionsFromCsv>, Submission[]> = true;

// ----- building inputs ------------------------------------------------------------------------

const stp: AgencyRef = { kind: 'agency', name: 'Sở Tư pháp' };
const departments: AgencyRef = { kind: 'group', group: 'departments', name: 'Các sở, ban, ngành tỉnh' };
const police: AgencyRef = { kind: 'agency', name: 'Công an tỉnh', text: 'Công an Tỉnh' };

const span: SourceSpan = { line_start: 40, line_end: 42, text: 'Hằng năm, trước ngày 15/11...' };
const deadline: Deadline = { date: '2026-04-20', bound: 'before', text: 'trước ngày 20/4/2026' };
const due: DueRule = { month: 11, day: 15, bound: 'before' };
const quarterlyDue: DueRule = { day: 5, bound: 'no_later_than', month_offset: 1 };
const trigger: Trigger = { event: 'request', text: 'Khi có yêu cầu' };
const customTrigger: Trigger = { event: 'province_inspection' };
const stage: Stage = { id: 'members', parties: [departments], deadline, recipient: police, source: span };

const schedules: Schedule[] = [
    { type: 'once', deadline },
    { type: 'ongoing', from_year: 2026, text: 'Năm 2026 và các năm tiếp theo' },
    { type: 'ongoing', from_year: 2026, until_year: 2030, precondition: { event: 'training_held' } },
    { type: 'recurring', every: 'yearly', due, from_year: 2026 },
    { type: 'recurring', every: 'quarterly', due: quarterlyDue, from_year: 2026, until_year: 2027 },
    { type: 'recurring', every: 'yearly', from_year: 2026 },
    { type: 'event_triggered', trigger, within_days: 30 },
    { type: 'staged', stages: [stage, { id: 'consolidate', parties: [police], deadline }] },
    { type: 'combined', parts: [{ type: 'once', deadline }, { type: 'ongoing', from_year: 2026 }] },
    { type: 'unparsed', text: 'theo tiến độ' },
];

const reporting: Reporting = {
    recipient: police,
    via: { kind: 'agency', name: 'Phòng An ninh mạng' },
    onward: { kind: 'agency', name: 'Bộ Công an' },
};
const obligation: Obligation = {
    id: 'IV.1',
    kind: 'periodic_report',
    title: 'Báo cáo kết quả thực hiện',
    content: 'Báo cáo kết quả về Công an tỉnh',
    lead: [stp],
    coordinating: [police],
    performers: [departments],
    products: ['Báo cáo'],
    schedule: schedules[3]!,
    reporting,
    source: span,
};
const minimalObligation: Obligation = { id: 'II.3', title: 'Rà soát', lead: [stp], schedule: { type: 'once', deadline } };
const legal: LegalReference = { kind: 'Quyết định', number: '437/QĐ-TTg', date: '2026-03-16', text: 'Quyết định số 437/QĐ-TTg' };
const warning: IngestWarning = { code: 'unparsed_timeline', line: 12, message: 'not understood', text: 'theo tiến độ', severity: 'warning' };
const oldWarning: IngestWarning = { code: 'x', line: 1, message: 'm' };

const planData: PlanData = {
    id: 'vinh-long-144-KH-UBND',
    number: '144/KH-UBND',
    issuer: 'Ủy ban nhân dân tỉnh Vĩnh Long',
    jurisdiction: 'Vĩnh Long',
    place: 'Vĩnh Long',
    issue_date: '2026-04-16',
    title: 'Triển khai thi hành Luật An ninh mạng',
    legal_basis: [legal],
    law_effective_date: '2026-07-01',
    policies: { deadline_reading: 'inclusive' },
    obligations: [obligation, minimalObligation],
    warnings: [warning, oldWarning],
    coverage: { lines: 80, accounted: 79, unaccounted_lines: [58] },
};
const draftPlan: PlanData = { id: 'draft', number: null, issue_date: null, title: 'Dự thảo', obligations: [] };

const submissions: Submission[] = [
    { agency: 'Sở Tư pháp', obligation: 'IV.1', period: '2026', received: '2026-11-13', document_number: '123/BC-STP' },
    { agency: 'Công an tỉnh', obligation: 'II.4.c', period: 'event:CV-BCA-1116', received: '2026-11-20', stage: null, note: 'qua email' },
    { agency: 'Sở Y tế', obligation: 'IV.1', received: '2026-11-16' },
];
const deadlines: EventDeadline[] = [{ before: '2026-12-01' }, { no_later_than: '2026-12-01' }, { days: 10 }, { working_days: 5 }];
const events: Event[] = [
    { id: 'CV-BCA-1116', kind: 'request', date: '2026-11-16', obligations: ['II.4.c'], deadline: { days: 10 } },
    { id: 'ND-1', kind: 'decree_issued', date: '2026-08-01', agencies: ['Sở Tư pháp'], description: 'Nghị định' },
    { id: 'TH-1', kind: 'training_held', date: '2026-09-01', deadline: null },
];
const kinds: EventKind[] = ['request', 'decree_issued', 'training_held', 'draft_published', 'local_kind'];

const policies: PolicyOverrides = { deadline_reading: 'exclusive', day_off: 'next_working_day', due_soon_days: 5, default_yearly_due: '15/11' };
const registered: RegisteredAgency = { name: 'Sở Tư pháp', aliases: ['STP'], groups: ['departments'] };
const registry: AgencyRegistry = { agencies: [registered, { name: 'Công an tỉnh', groups: [] }, { name: 'Sở Y tế' }] };
const calendar: CalendarOverrides = {
    days_off: [{ date: '2026-11-24', reason: 'Ngày Văn hóa Việt Nam' }],
    working_days: [{ date: '2026-11-28' }],
};
const emptyCalendar: CalendarOverrides = {};
const options: EvaluateOptions = { registry, calendar };

const request: EvaluationRequest = { plan: planData, submissions, events, as_of: '2026-11-23', policies, registry, calendar };
const minimalRequest: EvaluationRequest = { plan: draftPlan, as_of: '2026-11-23' };
const form: SubmissionForm = { agency: 'Sở Tư pháp', obligation: 'IV.1', period: '2026', received: '17/11/2026', document_number: '12/BC-STP' };
const blankForm: SubmissionForm = { agency: '', obligation: '', received: '', stage: null, period: null, document_number: null };
const formRequest: FormRequest = { plan: planData, form, as_of: '2026-11-23', events, policies, registry, calendar };
const formOptions: FormOptions = { asOf: '2026-11-23', events, policies, registry, calendar: emptyCalendar };

const manifest: PackManifest = { name: 'vinh-long', version: '1.0.0', description: 'Rules of Vĩnh Long', policies, rules: ['status.rhai'] };
const ruleFile: SourceFile = { name: 'status.rhai', text: '// id: status\nfn check(x) { () }' };
const packSource: RulePackSource = { manifest, rules: [ruleFile], tests: [{ name: 'status.test.json', text: '{"rule":"status","cases":[]}' }] };
const barePack: RulePackSource = { rules: [ruleFile] };

// ----- using the API --------------------------------------------------------------------------

function isTuanthuError(e: unknown): e is TuanthuError {
    return e instanceof Error && e.name === 'TuanthuError';
}

function describeSchedule(s: Schedule): string {
    switch (s.type) {
        case 'once':
            return s.deadline.date;
        case 'ongoing':
            return `${s.from_year}–${s.until_year ?? ''} ${s.precondition?.event ?? ''}`;
        case 'recurring':
            return `${s.every} ${s.due?.day ?? '?'}/${s.due?.month ?? ''}`;
        case 'event_triggered':
            return `${s.trigger.event} +${s.within_days ?? 0}`;
        case 'staged':
            return s.stages.map((st) => `${st.id}: ${st.deadline.date}`).join(', ');
        case 'combined':
            return s.parts.map(describeSchedule).join('; ');
        case 'unparsed':
            return s.text;
        default:
            return never(s);
    }
}

function describeAgency(a: AgencyRef): string {
    switch (a.kind) {
        case 'agency':
            return a.name;
        case 'group': {
            const g: AgencyGroup = a.group;
            return `${a.name} (${g})`;
        }
        default:
            return never(a);
    }
}

function describeDeadline(d: EventDeadline): string {
    if (d.before !== undefined) return `trước ngày ${d.before}`;
    if (d.no_later_than !== undefined) return `chậm nhất ngày ${d.no_later_than}`;
    if (d.days !== undefined) return `${d.days} ngày`;
    return `${d.working_days} ngày làm việc`;
}

function describeStatus(s: Status): string {
    switch (s) {
        case 'done_on_time':
            return 'Đúng hạn';
        case 'done_late':
            return 'Quá hạn (đã xong)';
        case 'in_progress':
            return 'Trong hạn';
        case 'overdue':
            return 'QUÁ HẠN';
        case 'ongoing':
            return 'Thường xuyên';
        case 'not_triggered':
            return 'Chưa phát sinh';
        case 'unknown':
            return 'Chưa xác định';
        default:
            return never(s);
    }
}

function readReport(report: Report): void {
    const plan: string = report.plan;
    const asOf: string = report.as_of;
    const p: Policies = report.policies;
    const reading: DeadlineReading = p.deadline_reading;
    const dayOff: DayOffRule = p.day_off;
    const soon: number = p.due_soon_days;
    const yearly: string | null | undefined = p.default_yearly_due;
    const pack: string = report.rule_pack;
    for (const a of report.assessments) {
        const x: Assessment = a;
        const period: Period = x.period;
        const label = describeStatus(x.status);
        const open: boolean = x.due_soon;
        const d: DueDate | null | undefined = x.due;
        if (d) {
            const last: string = d.last_day;
            const stated: string = d.stated;
            const bound: Bound = d.bound;
            const r: DeadlineReading = d.policy.deadline_reading;
            const o: DayOffRule = d.policy.day_off;
            const why: string = d.derivation_vi + d.derivation_en;
        }
        const late: number | null | undefined = x.days_late;
        const left: number | null | undefined = x.days_remaining;
        const received: string | null | undefined = x.received;
        const doc: string | null | undefined = x.document_number;
        const st: string | null | undefined = x.stage;
        const rules: string[] = x.rules;
        const text: string = x.explanation_vi + x.explanation_en + x.title + x.agency + x.obligation;
        const src: SourceSpan | null | undefined = x.source;
    }
    for (const f of report.findings) {
        const finding: Finding = f;
        const sev: Severity = finding.severity;
        const field: FormField | null | undefined = finding.field;
        const index: number | null | undefined = finding.submission;
        const failed: boolean | undefined = finding.rule_failed;
        const rest: (string | null | undefined)[] = [finding.rule, finding.obligation, finding.agency, finding.period, finding.stage, finding.message_vi, finding.message_en];
    }
    const summary: Summary = report.summary;
    const total: StatusCounts = summary.total;
    const overdue: number = total.overdue + total.total;
    const byAgency: StatusCounts | undefined = summary.by_agency['Sở Tư pháp'];
    const byObligation: StatusCounts | undefined = summary.by_obligation['IV.1'];
    const errors: number | undefined = summary.findings_by_severity.error;
}

function usage(): void {
    const v: string = version();
    const day: string | undefined = parseDate('15/11/2026');
    const labels: string = statusLabel('overdue', 'en') + statusLabel('ongoing') + statusLabel('unknown', 'vi', false);
    const periodText: string = periodLabel('2026-Q2', 'vi');
    // @ts-expect-error: not a status of the contract
    statusLabel('late');
    // @ts-expect-error: only 'vi' and 'en'
    periodLabel('2026', 'fr');

    const engine = new Engine();
    const custom = new Engine(packSource);
    const bare = new Engine(barePack);
    const more: Engine = engine.withRule('my-rule.rhai', '// id: my-rule\nfn check(x) { () }');
    const label: string = engine.rulePack;

    const rules: RuleInfo[] = engine.rules();
    for (const r of rules) {
        const applies: AppliesTo = r.applies_to;
        const sev: Severity = r.severity;
        const text: string = r.id + r.title + r.description + r.file;
    }
    const tests: RuleTestReport = custom.test();
    const counts: number = tests.passed + tests.failed;
    const cases: CaseResult[] = tests.cases;
    const failure: string | null = cases[0]?.failure ?? null;

    const plan: Plan = Plan.fromJson(planData);
    const fromJsonText: Plan = Plan.fromJson(JSON.stringify(draftPlan));
    const id: string = plan.id + plan.title;
    const data: PlanData = plan.toJSON();
    const text: string = plan.toJsonText();
    const warnings: IngestWarning[] = plan.warnings();
    const picker: ObligationSummary[] = plan.obligations();
    for (const o of picker) {
        const k: ObligationKind = o.kind;
        const names: string[] = [...o.responsible, ...o.coordinating, o.id, o.title];
    }

    const fromCsv: Submission[] = submissionsFromCsv('agency,obligation,received\nSở Tư pháp,IV.1,2026-11-13\n');
    const report: Report = engine.evaluate(plan, fromCsv, events, '2026-11-23', policies, options);
    readReport(report);
    readReport(engine.evaluate(plan, submissions, undefined, new Date(2026, 10, 23), undefined, undefined));
    readReport(engine.evaluate(plan, [], [], '23/11/2026', {}, { registry: null }));
    const canonical: string = engine.evaluateJson(request);
    const canonical2: string = engine.evaluateJson(JSON.stringify(minimalRequest));
    const parsed = JSON.parse(canonical) as Report;

    const messages: FormMessage[] = engine.validateSubmission(plan, form, formOptions);
    const messages2: FormMessage[] = engine.validateSubmission(plan, blankForm, undefined);
    const session: FormSession = engine.formSession(plan, formOptions);
    const sessionMessages: FormMessage[] = session.validate(form);
    session.free();
    // @ts-expect-error: a session validates a form, not a plan
    engine.formSession(plan).validate(plan);
    for (const m of messages) {
        const field: FormField | null | undefined = m.field;
        if (m.field === 'received' && m.severity === 'error') {
            const text: string = m.ruleId + m.message_vi + m.message_en;
        }
    }
    const findings: string = engine.validateFormJson(formRequest);
    const findings2: Finding[] = JSON.parse(engine.validateFormJson(JSON.stringify(formRequest))) as Finding[];

    try {
        Plan.fromJson('{');
    } catch (e) {
        if (isTuanthuError(e)) {
            const k: TuanthuErrorKind = e.kind;
            const m: string = e.message;
        }
    }

    plan.free();
    engine.free();
}

// The web build has the same classes and types, plus the `init` default export.
async function webUsage(): Promise<void> {
    await initWeb();
    const engine = new web.Engine(undefined);
    const plan = web.Plan.fromJson(planData);
    const report: web.Report = engine.evaluate(plan, [], undefined, '2026-11-23', undefined, undefined);
    const messages: web.FormMessage[] = engine.validateSubmission(plan, form, { asOf: '2026-11-23' });
}

// ----- wrong usages are rejected --------------------------------------------------------------

function rejected(engine: Engine, plan: Plan): void {
    // @ts-expect-error a form's fields are text
    engine.validateSubmission(plan, { agency: 'A', obligation: 'IV.1', received: 17 }, undefined);

    // @ts-expect-error options of validateSubmission are camelCase: `asOf`, not `as_of`
    engine.validateSubmission(plan, form, { as_of: '2026-11-23' });

    // @ts-expect-error not a severity
    const bad: Severity = 'fatal';

    // @ts-expect-error not a severity
    const badMessage: FormMessage = { field: null, severity: 'critical', ruleId: 'r', message_vi: '', message_en: '' };

    // @ts-expect-error not a status
    const badStatus: Status = 'done';

    // @ts-expect-error a plain object is not a `Plan` instance (use Plan.fromJson)
    engine.evaluate(planData, [], undefined, '2026-11-23', undefined, undefined);

    // @ts-expect-error a plain object is not a `Plan` instance
    engine.validateSubmission({ id: 'p', title: 't', obligations: [] }, form, undefined);

    // @ts-expect-error asOf is a string or a Date
    engine.evaluate(plan, [], undefined, 20261123, undefined, undefined);

    // @ts-expect-error `Plan` has no public constructor
    new Plan();

    // @ts-expect-error a submission needs `received`
    const noDate: Submission = { agency: 'Sở Tư pháp', obligation: 'IV.1' };

    // @ts-expect-error unknown field (serde denies unknown fields)
    const typo: Submission = { agency: 'Sở Tư pháp', obligation: 'IV.1', received: '2026-11-13', documentNumber: '1' };

    // @ts-expect-error a `once` schedule needs a deadline
    const noDeadline: Schedule = { type: 'once' };

    // @ts-expect-error not a schedule type
    const weekly: Schedule = { type: 'weekly', from_year: 2026 };

    // @ts-expect-error not an agency group
    const badGroup: AgencyRef = { kind: 'group', group: 'ministries', name: 'Các bộ' };

    // @ts-expect-error an event deadline has exactly one key
    const twoKeys: EventDeadline = { days: 10, before: '2026-12-01' };

    // @ts-expect-error not a deadline reading
    const badPolicy: PolicyOverrides = { deadline_reading: 'lenient' };

    // @ts-expect-error rule sources are {name, text} files
    new Engine({ rules: ['fn check(x) {}'] });

    // @ts-expect-error an evaluation request needs `as_of`
    const noAsOf: EvaluationRequest = { plan: planData };

    const report = engine.evaluate(plan, [], undefined, '2026-11-23', undefined, undefined);
    // @ts-expect-error `due` is absent for instances without a due date
    const last: string = report.assessments[0]!.due.last_day;
    // @ts-expect-error a finding's `submission` is an index
    const sub: string = report.findings[0]!.submission!;
}
