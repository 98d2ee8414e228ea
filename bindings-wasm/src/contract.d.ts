// GENERATED from the core's JSON Schema (`tuanthu schema`) by tests/src/typegen.rs: do not
// edit. Regenerate with `TUANTHU_UPDATE_TYPES=1 cargo test -p tuanthu-tests --test
// generated_types`. Field names are as serialised; a field marked `?` may be absent (the
// engine leaves it out of its output, or fills in a default when input omits it).

/** A calendar date in ISO form, `yyyy-mm-dd`, e.g. `2026-11-15` (ngày). */
export type IsoDate = string;

/** Kinds of agency groups that plans assign work to. */
export type AgencyGroup = 'departments' | 'communes' | 'press' | 'related' | 'public_service_units' | 'armed_forces' | 'enterprises' | 'mass_organisations' | 'schools';

/**
 * A party named in a plan: one concrete agency, or a group such as "các sở, ban, ngành tỉnh".
 *
 * Groups expand to concrete agencies only when the caller supplies an `AgencyRegistry`.
 */
export type AgencyRef = {
    kind: 'agency';
    /** Normalised display name (NFC, single spaces, abbreviations such as UBND kept as written). */
    name: string;
    /** The words as written in the plan, when they differ from `name`. */
    text?: string | null;
} | {
    group: AgencyGroup;
    kind: 'group';
    /** Display name of the group as the plan names it. */
    name: string;
    text?: string | null;
};

/** The province's agencies, supplied by the caller so that groups expand to concrete agencies. */
export interface AgencyRegistry {
    agencies: RegisteredAgency[];
}

/** The policies that decided a due date. */
export interface AppliedPolicy {
    day_off: DayOffRule;
    deadline_reading: DeadlineReading;
}

/** What a rule is evaluated on. */
export type AppliesTo = 'instance' | 'submission';

/** The assessment of one obligation instance: one agency, one period (and stage). */
export interface Assessment {
    agency: string;
    days_late?: number | null;
    days_remaining?: number | null;
    document_number?: string | null;
    /** Shared by every instance with the same deadline (one derivation, many agencies). */
    due?: DueDate | null;
    /** Open and within `due_soon_days` of the last day (sắp đến hạn). */
    due_soon: boolean;
    explanation_en: string;
    explanation_vi: string;
    obligation: ObligationId;
    period: Period;
    received?: IsoDate | null;
    /** Rules that returned a verdict for this instance. */
    rules: string[];
    /** The plan's words this obligation comes from. */
    source?: SourceSpan | null;
    stage?: string | null;
    status: Status;
    title: string;
}

/** How a stated date bounds the deadline. */
export type Bound = 'before' | 'no_later_than';

/**
 * Caller-supplied additions to the calendar (part of the public JSON contract).
 *
 * Both lists win over every statutory and announced rule. A date may not appear in both.
 */
export interface CalendarOverrides {
    /** Extra days off, e.g. 24/11 "Ngày Văn hóa Việt Nam". */
    days_off?: DatedReason[];
    /** Days worked although the calendar says off, e.g. a local make-up Saturday. */
    working_days?: DatedReason[];
}

/**
 * How much of the plan's text the reader accounted for: every non-empty line is part of an
 * obligation, the header or closing, a section that assigns no dated duty, or a warning. Lines
 * accounted for only by a `text_not_accounted` warning are listed.
 */
export interface Coverage {
    /** Lines accounted for as part of an obligation, the header, a known section or a warning. */
    accounted: number;
    /** Non-empty lines of the input. */
    lines: number;
    /** Line numbers (1-based) of the input that nothing accounted for. */
    unaccounted_lines?: number[];
}

/** A date with the reason it is listed, shown in explanations. */
export interface DatedReason {
    /** The date. */
    date: IsoDate;
    /** Free text; may be empty. */
    reason?: string;
}

/** DD/MM, e.g. 15/11 */
export type DayMonth = string;

/** What happens when the last permitted day is a weekend or public holiday. */
export type DayOffRule = 'strict' | 'next_working_day';

/** A date and how the plan bounds it. */
export interface Deadline {
    bound: Bound;
    date: IsoDate;
    /** The phrase as written, e.g. `trước ngày 20 tháng 4 năm 2026`. */
    text?: string | null;
}

/** How "trước ngày D" (before D) is read. */
export type DeadlineReading = 'exclusive' | 'inclusive';

/** A due date and how it was derived from the plan's words. */
export interface DueDate {
    bound: Bound;
    derivation_en: string;
    /** Steps, e.g. "trước ngày 15/11/2026 (exclusive) → 14/11/2026; Saturday, next_working_day → 16/11/2026". */
    derivation_vi: string;
    /** Last day on which evidence counts as on time, after the policies. */
    last_day: IsoDate;
    policy: AppliedPolicy;
    /** The date the plan (or event) states. */
    stated: IsoDate;
}

/**
 * The due day within each period of a recurring obligation.
 *
 * For `yearly`, `month` is the calendar month (11 for `trước ngày 15/11`). For the shorter
 * frequencies, `month` counts within the period (1 = its first month; `None` = its last month),
 * and `month_offset` lets a report fall after the period closes (`trước ngày 5 của tháng sau quý`).
 */
export interface DueRule {
    bound: Bound;
    day: number;
    month?: number | null;
    month_offset?: number;
    text?: string | null;
}

/** The machine kind of an `ErrorObject`. */
export type ErrorKind = 'input' | 'evaluation' | 'rule' | 'usage';

/**
 * An error as it crosses a boundary (the CLI's `--format json`, the bindings): one JSON object
 * naming what failed and where, so a pipeline can point a person at the line to fix.
 *
 * `message` never repeats the location; a person-readable one-liner is `ErrorObject`'s
 * `Display` (`file:line: field `x`: message`).
 */
export interface ErrorObject {
    /** Field path (`obligations[3].schedule`) or CSV column. */
    field?: string | null;
    /** The file (or a label such as `<request>`, `<stdin>`) the error is about. */
    file?: string | null;
    kind: ErrorKind;
    /** 1-based line in that file. */
    line?: number | null;
    message: string;
}

/** Everything one evaluation needs. The JSON contract shared by the CLI and the bindings. */
export interface EvaluationRequest {
    /** The day the evaluation speaks for (no wall clock anywhere). */
    as_of: IsoDate;
    /** Extra days off (e.g. 24/11 Ngày Văn hóa Việt Nam) and make-up working days. */
    calendar?: CalendarOverrides;
    events?: Event[];
    plan: PlanData;
    /** Caller's policy choices; they win over the plan's and the rule pack's. */
    policies?: PolicyOverrides;
    /** The province's agencies, so groups expand to concrete agencies. */
    registry?: AgencyRegistry | null;
    submissions?: Submission[];
}

/**
 * Something that happened and starts event-triggered obligations: a request from a competent
 * authority, a decree issued, a training held.
 */
export interface Event {
    /** Agencies addressed; empty = every responsible agency. */
    agencies?: string[];
    date: IsoDate;
    deadline?: EventDeadline | null;
    description?: string | null;
    /** Unique id, referenced by submissions as period `event:<id>`. */
    id: string;
    kind: EventKind;
    /** Obligations it triggers; empty = every obligation triggered by this kind of event. */
    obligations?: ObligationId[];
}

/** The deadline an event sets. */
export type EventDeadline = {
    before: IsoDate;
    days?: never;
    no_later_than?: never;
    working_days?: never;
} | {
    before?: never;
    days?: never;
    no_later_than: IsoDate;
    working_days?: never;
} | {
    before?: never;
    days: number;
    no_later_than?: never;
    working_days?: never;
} | {
    before?: never;
    days?: never;
    no_later_than?: never;
    working_days: number;
};

/**
 * Kind of an event: `request` (yêu cầu của cấp có thẩm quyền), `decree_issued`, `training_held`,
 * `draft_published`, or a kind a province defines. Lower-case ASCII words joined by `_`.
 */
export type EventKind = string;

/**
 * Why `tuanthu check --fail-on` exits 1: one condition the report meets, printed on stderr (one
 * JSON object per line under `--format json`).
 */
export interface FailReason {
    /** How many assessments or findings meet it. */
    count: number;
    /** `assessment` or `finding`. */
    counts: string;
    /** The `--fail-on` value: `overdue`, `late`, `unknown`, `error` or `warning`. */
    fail_on: string;
    /** Every offender's label (`II.3 Sở Tư pháp`, `evidence.document-number: II.3 Sở Tư pháp`). */
    offenders: string[];
}

/** Something a rule says about an instance, a submission or a form field. */
export interface Finding {
    agency?: string | null;
    /** Form field concerned (form validation). */
    field?: string | null;
    message_en: string;
    message_vi: string;
    obligation?: ObligationId | null;
    period?: Period | null;
    /** Id of the rule that produced it. */
    rule: string;
    /**
     * The rule itself failed (runtime error, sandbox limit, wrong return type) and was skipped;
     * the message says why. Absent (false) for every finding a rule made on purpose.
     */
    rule_failed?: boolean;
    severity: Severity;
    stage?: string | null;
    /** Index (0-based) of the submission concerned in the input list. */
    submission?: number | null;
}

/**
 * A message for one field of a report-submission form as typed (the browser's form API): a
 * `Finding` of form validation, reduced to what a form shows.
 */
export interface FormMessage {
    /**
     * `agency`, `obligation`, `stage`, `period`, `received`, `document_number`; `null` for a
     * message about the whole form (a rule that failed to run).
     */
    field?: string | null;
    message_en: string;
    message_vi: string;
    ruleId: string;
    severity: Severity;
}

/** A form to validate against a plan. */
export interface FormRequest {
    as_of: IsoDate;
    calendar?: CalendarOverrides;
    events?: Event[];
    form: SubmissionForm;
    plan: PlanData;
    policies?: PolicyOverrides;
    registry?: AgencyRegistry | null;
}

/** How often a recurring obligation repeats. */
export type Frequency = 'yearly' | 'half_yearly' | 'quarterly' | 'monthly';

/** Something the plan reader could not understand, kept so nothing is silently dropped. */
export interface IngestWarning {
    /**
     * Stable machine code, e.g. `unparsed_timeline`: one of `WarningCode`(super::WarningCode)
     * for warnings the reader makes (kept as a string so older or hand-written plans still load).
     */
    code: string;
    line: number;
    message: string;
    /**
     * How serious it is: `info` (a draft's blank number), `warning` (a phrase not understood),
     * `error` (no plan found). Absent in warnings written before this field existed.
     */
    severity?: Severity | null;
    /** The text concerned, verbatim. */
    text?: string | null;
}

/** Header values for `RulePack::with_inline_rule` when the text does not state them. */
export interface InlineRule {
    applies_to?: AppliesTo | null;
    severity?: Severity | null;
    title?: string | null;
}

/** A document the plan is based on, e.g. `Quyết định số 437/QĐ-TTg ngày 16/3/2026`. */
export interface LegalReference {
    date?: IsoDate | null;
    /** Kind as written: `Quyết định`, `Luật`, `Nghị định`... */
    kind: string;
    number?: string | null;
    /** The words as written. */
    text: string;
}

/** One duty of the plan: who, what, by when, evidence. */
export interface Obligation {
    /** What must be done (nội dung). */
    content?: string | null;
    /** Coordinating agencies (cơ quan phối hợp): not accountable on their own. */
    coordinating?: AgencyRef[];
    id: ObligationId;
    kind?: ObligationKind;
    /** Lead agencies (cơ quan chủ trì): accountable. */
    lead?: AgencyRef[];
    /** Performing agencies (cơ quan/đơn vị thực hiện): accountable, may replace the lead. */
    performers?: AgencyRef[];
    /** Deliverables (sản phẩm). */
    products?: string[];
    /** Where results go (báo cáo về ...), and via which office (qua ...). */
    reporting?: Reporting | null;
    schedule: Schedule;
    /** The plan's own words for this obligation. */
    source?: SourceSpan | null;
    title: string;
}

/** Place in the plan: section roman numeral, item number, letter: II.4.b, IV.1 */
export type ObligationId = string;

/** What kind of duty an obligation is. */
export type ObligationKind = 'task' | 'periodic_report';

/** An obligation as a picker shows it. */
export interface ObligationSummary {
    coordinating: string[];
    id: string;
    kind: ObligationKind;
    /** Lead and performing agencies (or groups), by name. */
    responsible: string[];
    title: string;
}

/** A rule pack by name, version and content. */
export interface PackIdentity {
    name: string;
    /** SHA-256 of the pack's files (`tuanthu::rules::content_sha256`). */
    sha256: string;
    version: string;
}

/** `pack.json`: name, version, default policies and rule order. */
export interface PackManifest {
    description?: string;
    name: string;
    /** Policy defaults of this pack (a plan's and the caller's win). */
    policies?: PolicyOverrides;
    /** Rule files in evaluation order; files not listed follow in name order. */
    rules?: string[];
    version?: string;
}

/** Everything a pack is made of, as text: enough to rebuild it anywhere (pickling, WASM). */
export interface PackSource {
    manifest: PackManifest;
    rules: SourceFile[];
    tests: SourceFile[];
}

/** once | YYYY | YYYY-H1..H2 | YYYY-Q1..Q4 | YYYY-MM | event:<id> | awaiting-event */
export type Period = string;

/** An implementation plan (Kế hoạch) as a list of obligations. */
export interface PlanData {
    /** How much of the plan text the reader accounted for; absent for hand-written plans. */
    coverage?: Coverage | null;
    /** Stable id chosen by the caller or derived from the file name, e.g. `vinh-long-144-KH-UBND`. */
    id: string;
    /** Issue date; `None` for a draft (`ngày tháng năm 2026`). */
    issue_date?: IsoDate | null;
    /** Issuing authority, e.g. `Ủy ban nhân dân tỉnh Vĩnh Long`. */
    issuer?: string | null;
    /** Province or city, e.g. `Vĩnh Long`. */
    jurisdiction?: string | null;
    /** Date the law takes effect when the plan states it (01/7/2026). */
    law_effective_date?: IsoDate | null;
    /** Documents the plan implements (căn cứ, thực hiện). */
    legal_basis?: LegalReference[];
    /** Number and symbol (số, ký hiệu), e.g. `144/KH-UBND`; `None` for a draft with a blank number. */
    number?: string | null;
    obligations: Obligation[];
    /** Place in the date line. */
    place?: string | null;
    /** Deadline policies this plan sets; they win over the rule pack's defaults. */
    policies?: PolicyOverrides;
    title: string;
    /** What the plan reader could not understand; empty for hand-written plans. */
    warnings?: IngestWarning[];
}

/** The policies in force for one evaluation. */
export interface Policies {
    day_off: DayOffRule;
    deadline_reading: DeadlineReading;
    /**
     * Due day for a yearly report whose plan states none (`định kỳ hằng năm` with no date).
     * `None`: such reports have no due date and are assessed `unknown`.
     */
    default_yearly_due?: DayMonth | null;
    /** An open instance is "sắp đến hạn" (due soon) within this many days of its last day. */
    due_soon_days: number;
}

/**
 * Policy choices set by a rule pack, a plan or a caller; unset fields inherit.
 * Precedence, lowest first: built-in defaults, rule pack, plan, caller.
 */
export interface PolicyOverrides {
    day_off?: DayOffRule | null;
    deadline_reading?: DeadlineReading | null;
    default_yearly_due?: DayMonth | null;
    due_soon_days?: number | null;
}

/**
 * The inputs a report's verdicts follow from, identified by content hash (lower-case hex
 * SHA-256), for an audit trail: the same plan, pack, submissions and as-of date give the same
 * report on any machine.
 */
export interface Provenance {
    /**
     * SHA-256 of the plan's canonical JSON (`tuanthu::api::to_canonical_json`: pretty,
     * two-space indent, trailing newline), i.e. of the bytes `tuanthu parse` writes.
     */
    plan_sha256: string;
    rule_pack: PackIdentity;
}

/**
 * A warning of the plan reader about one file, as the CLI prints it on stderr under
 * `--format json` (one object per line).
 */
export interface ReaderWarning {
    /**
     * Stable machine code, e.g. `unparsed_timeline`: one of `WarningCode`(super::WarningCode)
     * for warnings the reader makes (kept as a string so older or hand-written plans still load).
     */
    code: string;
    file: string;
    line: number;
    message: string;
    /**
     * How serious it is: `info` (a draft's blank number), `warning` (a phrase not understood),
     * `error` (no plan found). Absent in warnings written before this field existed.
     */
    severity?: Severity | null;
    /** The text concerned, verbatim. */
    text?: string | null;
}

/** One agency of a registry. */
export interface RegisteredAgency {
    /** Other names seen in plans and submissions (`STP`, `UBND phường Long Châu`...). */
    aliases?: string[];
    /**
     * Groups this agency belongs to. Absent: inferred from the name (`Sở ...` → departments);
     * `[]`: explicitly none.
     */
    groups?: AgencyGroup[] | null;
    /** Canonical name, e.g. `Sở Tư pháp`. */
    name: string;
}

/** The result of evaluating a plan: deterministic, byte for byte, for the same input. */
export interface Report {
    as_of: IsoDate;
    assessments: Assessment[];
    findings: Finding[];
    plan: string;
    policies: Policies;
    /** What the verdicts were computed from, by content: enough to reproduce them anywhere. */
    provenance: Provenance;
    rule_pack: string;
    summary: Summary;
}

/**
 * Recipient of results, the office that receives on its behalf, and the body the recipient
 * reports on to (`báo cáo ... về X (qua Y) để tổng hợp, báo cáo Z`).
 */
export interface Reporting {
    /**
     * Bodies the report goes to with the recipient (`báo cáo UBND tỉnh và Bộ Công an`), in the
     * order written.
     */
    also_to?: AgencyRef[];
    /**
     * Where the recipient sends the summary on (`để tổng hợp, báo cáo Z`): not a duty of the
     * reporting agencies, kept so the chain is not lost.
     */
    onward?: AgencyRef | null;
    /** Bodies named with the onward one (`để tổng hợp, báo cáo UBND tỉnh, Bộ Công an`). */
    onward_also?: AgencyRef[];
    recipient: AgencyRef;
    via?: AgencyRef | null;
}

/** One rule of a pack, as `rules()` lists it in every binding and `tuanthu rules --format json`. */
export interface RuleInfo {
    applies_to: AppliesTo;
    description: string;
    /** The rule's file in the pack (`status.rhai`). */
    file: string;
    id: string;
    /** Severity of the rule's findings that do not state one. */
    severity: Severity;
    title: string;
}

/** One case of a rule pack's unit tests (`*.test.json`). */
export interface RuleTestCase {
    /** What differed; `null` when the case passed. */
    failure?: string | null;
    file: string;
    name: string;
    passed: boolean;
    /** Id of the rule under test (empty when the test file itself could not be read). */
    rule: string;
}

/** The outcome of running a pack's unit tests, in every binding and `tuanthu test --format json`. */
export interface RuleTestReport {
    cases: RuleTestCase[];
    failed: number;
    /** `name@version` of the pack. */
    pack: string;
    passed: number;
    /** Rules of the pack without any test case. */
    untested_rules: string[];
}

/**
 * When an obligation is due. Built from the plan's timeline phrase (thời gian thực hiện).
 *
 * JSON form is tagged by `type`, e.g. `{"type": "once", "deadline": {"date": "2026-04-20", "bound": "before"}}`.
 */
export type Schedule = {
    deadline: Deadline;
    type: 'once';
} | {
    from_year: number;
    /** An event that must happen first (`sau khi Bộ Công an tổ chức tập huấn`). */
    precondition?: Trigger | null;
    /** The phrase as written, e.g. `Năm 2026 và các năm tiếp theo`. */
    text?: string | null;
    type: 'ongoing';
    until_year?: number | null;
} | {
    /** Day the report is due in each period; `None` when the plan states none (never invented). */
    due?: DueRule | null;
    every: Frequency;
    from_year: number;
    type: 'recurring';
    until_year?: number | null;
} | {
    trigger: Trigger;
    type: 'event_triggered';
    /** Days allowed after the event when the plan states it (`trong thời hạn 30 ngày kể từ ...`). */
    within_days?: number | null;
} | {
    stages: Stage[];
    type: 'staged';
} | {
    parts: Schedule[];
    type: 'combined';
} | {
    text: string;
    type: 'unparsed';
};

/** How serious a finding is. */
export type Severity = 'info' | 'warning' | 'error';

/** A named text file of a pack (rule source or test file). */
export interface SourceFile {
    name: string;
    text: string;
}

/** Lines of the source document (1-based, inclusive) and their text, verbatim. */
export interface SourceSpan {
    line_end: number;
    line_start: number;
    text: string;
}

/** One stage of a staged obligation. */
export interface Stage {
    deadline: Deadline;
    /** Stable id within the obligation, e.g. `members`, `consolidate`. */
    id: string;
    /** Who must act in this stage. */
    parties: AgencyRef[];
    /** Who receives this stage's result. */
    recipient?: AgencyRef | null;
    source?: SourceSpan | null;
}

/** Status of one obligation instance (DESIGN.md §3), matching government task-tracking reports. */
export type Status = 'done_on_time' | 'done_late' | 'in_progress' | 'overdue' | 'ongoing' | 'not_triggered' | 'unknown';

/** Counts of instances per status. */
export interface StatusCounts {
    done_late: number;
    done_on_time: number;
    in_progress: number;
    not_triggered: number;
    ongoing: number;
    overdue: number;
    total: number;
    unknown: number;
}

/**
 * Evidence that an agency did what an obligation asks: a report or document received.
 *
 * JSON: `{"agency": "Sở Tư pháp", "obligation": "IV.1", "period": "2026", "received": "2026-11-13",
 * "document_number": "123/BC-STP"}`. CSV files use the same column names.
 */
export interface Submission {
    /** The submitting agency as named by the recipient. */
    agency: string;
    /** Document number and symbol (số, ký hiệu), e.g. `123/BC-STP`. */
    document_number?: string | null;
    note?: string | null;
    /** Obligation id in the plan, e.g. `II.3` or `IV.1`. */
    obligation: ObligationId;
    /**
     * Period covered. When absent, the period whose due date is the first on or after `received`
     * is used, and the assessment says so.
     */
    period?: Period | null;
    /** Date the recipient received it (ngày nhận). */
    received: IsoDate;
    /** Stage id for staged obligations. */
    stage?: string | null;
}

/** A report-submission form as typed: every field is text, possibly incomplete. */
export interface SubmissionForm {
    agency?: string;
    document_number?: string | null;
    obligation?: string;
    period?: string | null;
    /** `dd/mm/yyyy` or `yyyy-mm-dd`. */
    received?: string;
    stage?: string | null;
}

/** Aggregates per agency and per obligation. */
export interface Summary {
    by_agency: Record<string, StatusCounts>;
    by_obligation: Record<string, StatusCounts>;
    findings_by_severity: Record<string, number>;
    total: StatusCounts;
}

/** An event that starts an obligation. */
export interface Trigger {
    event: EventKind;
    /** The phrase as written, e.g. `Khi có yêu cầu của cấp có thẩm quyền`. */
    text?: string | null;
}
