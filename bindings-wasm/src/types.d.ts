// ---------------------------------------------------------------------------------------------
// The JSON contract of tuanthu (tuân thủ) as TypeScript: the same shapes as the core crate's serde
// types and `tuanthu schema`. Field names are as serialised (snake_case). A field marked `?` may be
// absent: the engine leaves it out of its output, or fills in a default when it is missing from
// input. Inputs are sent through `JSON.stringify`, so `undefined` fields are the same as absent.
// ---------------------------------------------------------------------------------------------

/** A calendar date in ISO form, `yyyy-mm-dd`, e.g. `2026-11-15` (ngày). */
export type IsoDate = string;

/** A day of the year written `DD/MM`, e.g. `15/11` (ngày/tháng, every year). */
export type DayMonth = string;

/**
 * The period an obligation instance covers (kỳ): `once`, `2026`, `2026-H1`, `2026-Q2`, `2026-06`,
 * `event:<id>` (the instance an event created) or `awaiting-event` (chờ phát sinh).
 */
export type Period = string;

/** Id of an obligation from its place in the plan, e.g. `II.4.b`, `IV.1` (mục). */
export type ObligationId = string;

/** How serious a finding is (mức độ). */
export type Severity = 'info' | 'warning' | 'error';

/**
 * Status of one obligation instance (trạng thái): `done_on_time` (đúng hạn), `done_late` (quá hạn,
 * đã xong), `in_progress` (trong hạn), `overdue` (quá hạn), `ongoing` (thường xuyên),
 * `not_triggered` (chưa phát sinh), `unknown` (chưa xác định).
 */
export type Status =
    | 'done_on_time'
    | 'done_late'
    | 'in_progress'
    | 'overdue'
    | 'ongoing'
    | 'not_triggered'
    | 'unknown';

/** Output language of messages and labels. */
export type Lang = 'vi' | 'en';

// ----- Agencies --------------------------------------------------------------------------------

/**
 * Kinds of agency groups (nhóm cơ quan): `departments` (các sở, ban, ngành), `communes` (UBND các
 * xã, phường), `press` (cơ quan báo chí), `related` (các cơ quan có liên quan),
 * `public_service_units` (đơn vị sự nghiệp công lập), `armed_forces` (lực lượng vũ trang, công an),
 * `enterprises` (doanh nghiệp), `mass_organisations` (Mặt trận Tổ quốc, tổ chức chính trị - xã hội,
 * hội, đoàn thể), `schools` (trường học, cơ sở giáo dục).
 */
export type AgencyGroup =
    | 'departments'
    | 'communes'
    | 'press'
    | 'related'
    | 'public_service_units'
    | 'armed_forces'
    | 'enterprises'
    | 'mass_organisations'
    | 'schools';

/** A party named in a plan: one concrete agency (cơ quan), tagged by `kind`. */
export interface AgencyRefAgency {
    kind: 'agency';
    /** Normalised display name, e.g. `Sở Tư pháp`. */
    name: string;
    /** The words as written in the plan, when they differ from `name`. */
    text?: string | null;
}

/** A party named in a plan: a group of agencies, e.g. `UBND các xã, phường`. */
export interface AgencyRefGroup {
    kind: 'group';
    group: AgencyGroup;
    /** Display name of the group as the plan names it. */
    name: string;
    text?: string | null;
}

/** A party named in a plan: an agency or a group (tagged by `kind`). */
export type AgencyRef = AgencyRefAgency | AgencyRefGroup;

/** One agency of a registry. */
export interface RegisteredAgency {
    /** Canonical name, e.g. `Sở Tư pháp`. */
    name: string;
    /** Other names seen in plans and submissions (`STP`, `UBND phường Long Châu`...). */
    aliases?: string[];
    /** Groups it belongs to. Absent: inferred from the name (`Sở ...` → departments); `[]`: none. */
    groups?: AgencyGroup[] | null;
}

/** The province's agencies (danh sách cơ quan), so that groups expand to concrete agencies. */
export interface AgencyRegistry {
    agencies: RegisteredAgency[];
}

// ----- Policies and calendar ---------------------------------------------------------------------

/** How "trước ngày D" is read: `exclusive` (D − 1 is the last day, default) or `inclusive`. */
export type DeadlineReading = 'exclusive' | 'inclusive';

/** A last day that is a day off: `strict` (stays, default) or `next_working_day` (BLDS art. 148). */
export type DayOffRule = 'strict' | 'next_working_day';

/** Deadline policy choices (chính sách tính hạn); unset fields inherit (defaults < pack < plan < caller). */
export interface PolicyOverrides {
    deadline_reading?: DeadlineReading | null;
    day_off?: DayOffRule | null;
    /** An open instance is "sắp đến hạn" (due soon) within this many days of its last day. */
    due_soon_days?: number | null;
    /** Due day of a yearly report whose plan states none, e.g. `15/11`. */
    default_yearly_due?: DayMonth | null;
}

/** The policies in force for one evaluation (every field set). */
export interface Policies {
    deadline_reading: DeadlineReading;
    day_off: DayOffRule;
    due_soon_days: number;
    /** `null`: yearly reports without a stated date have no due date (assessed `unknown`). */
    default_yearly_due: DayMonth | null;
}

/** A date with the reason it is listed, shown in explanations. */
export interface DatedReason {
    date: IsoDate;
    /** Free text, e.g. `Ngày Văn hóa Việt Nam`; may be empty. */
    reason?: string;
}

/** Caller additions to the working calendar (lịch làm việc); a date may not be in both lists. */
export interface CalendarOverrides {
    /** Extra days off (ngày nghỉ), e.g. 24/11. */
    days_off?: DatedReason[];
    /** Days worked although the calendar says off (ngày làm bù). */
    working_days?: DatedReason[];
}

// ----- The plan --------------------------------------------------------------------------------

/** A document the plan is based on (căn cứ), e.g. `Quyết định số 437/QĐ-TTg ngày 16/3/2026`. */
export interface LegalReference {
    /** Kind as written: `Quyết định`, `Luật`, `Nghị định`... */
    kind: string;
    number?: string | null;
    date?: IsoDate | null;
    /** The words as written. */
    text: string;
}

/** Lines of the source document (1-based, inclusive) and their text, verbatim. */
export interface SourceSpan {
    line_start: number;
    line_end: number;
    text: string;
}

/** Something the plan reader could not understand (cảnh báo khi đọc kế hoạch). */
export interface IngestWarning {
    /** Stable machine code, e.g. `unparsed_timeline`. */
    code: string;
    line: number;
    message: string;
    /** The text concerned, verbatim. */
    text?: string | null;
    /** `info`, `warning` or `error` (no plan found); absent in older warnings. */
    severity?: Severity | null;
}

/** How a stated date bounds a deadline: `before` (trước ngày D) or `no_later_than` (chậm nhất ngày D). */
export type Bound = 'before' | 'no_later_than';

/** A date and how the plan bounds it (thời hạn). */
export interface Deadline {
    date: IsoDate;
    bound: Bound;
    /** The phrase as written, e.g. `trước ngày 20 tháng 4 năm 2026`. */
    text?: string | null;
}

/** How often a recurring obligation repeats (định kỳ). */
export type Frequency = 'yearly' | 'half_yearly' | 'quarterly' | 'monthly';

/**
 * The due day within each period of a recurring obligation. For `yearly`, `month` is the calendar
 * month; for shorter frequencies it counts within the period (absent = its last month).
 */
export interface DueRule {
    month?: number | null;
    day: number;
    bound: Bound;
    /** Months after the period's month (`trước ngày 5 của tháng sau quý`); absent = 0. */
    month_offset?: number;
    text?: string | null;
}

/**
 * Kind of an event (sự kiện): `request` (yêu cầu của cấp có thẩm quyền), `decree_issued`,
 * `training_held`, `draft_published`, or a kind a province defines (lower-case words joined by `_`).
 */
export type EventKind = 'request' | 'decree_issued' | 'training_held' | 'draft_published' | (string & {});

/** An event that starts an obligation. */
export interface Trigger {
    event: EventKind;
    /** The phrase as written, e.g. `Khi có yêu cầu của cấp có thẩm quyền`. */
    text?: string | null;
}

/** One stage of a staged obligation (giai đoạn), with its own parties and deadline. */
export interface Stage {
    /** Stable id within the obligation, e.g. `members`, `consolidate`. */
    id: string;
    /** Who must act in this stage. */
    parties: AgencyRef[];
    deadline: Deadline;
    /** Who receives this stage's result. */
    recipient?: AgencyRef | null;
    source?: SourceSpan | null;
}

/** Done once by a deadline: `trước ngày 20/4/2026`. */
export interface ScheduleOnce {
    type: 'once';
    deadline: Deadline;
}

/** Continuous work without a deadline of its own (`Năm 2026 và các năm tiếp theo`, thường xuyên). */
export interface ScheduleOngoing {
    type: 'ongoing';
    from_year: number;
    until_year?: number | null;
    /** An event that must happen first (`sau khi Bộ Công an tổ chức tập huấn`). */
    precondition?: Trigger | null;
    /** The phrase as written. */
    text?: string | null;
}

/** Repeats every period (`hằng năm, trước ngày 15/11`). */
export interface ScheduleRecurring {
    type: 'recurring';
    every: Frequency;
    /** Due day in each period; absent when the plan states none (never invented). */
    due?: DueRule | null;
    from_year: number;
    until_year?: number | null;
}

/** Due only when an event happens (`khi có yêu cầu`). */
export interface ScheduleEventTriggered {
    type: 'event_triggered';
    trigger: Trigger;
    /** Days allowed after the event when the plan states it (`trong thời hạn 30 ngày`). */
    within_days?: number | null;
}

/** Several stages, each with its own parties and deadline. */
export interface ScheduleStaged {
    type: 'staged';
    stages: Stage[];
}

/** Several schedules at once (`hoàn thành trong quý II; duy trì thường xuyên hằng năm`). */
export interface ScheduleCombined {
    type: 'combined';
    parts: Schedule[];
}

/** A timeline phrase the reader did not understand, kept verbatim. */
export interface ScheduleUnparsed {
    type: 'unparsed';
    text: string;
}

/** When an obligation is due (thời gian thực hiện), tagged by `type`. */
export type Schedule =
    | ScheduleOnce
    | ScheduleOngoing
    | ScheduleRecurring
    | ScheduleEventTriggered
    | ScheduleStaged
    | ScheduleCombined
    | ScheduleUnparsed;

/** What kind of duty an obligation is: `task` (nhiệm vụ) or `periodic_report` (báo cáo định kỳ). */
export type ObligationKind = 'task' | 'periodic_report';

/**
 * Recipient of results (báo cáo về ...), the office that receives on its behalf (qua ...), and the
 * body the recipient reports on to (để tổng hợp, báo cáo ...).
 */
export interface Reporting {
    recipient: AgencyRef;
    via?: AgencyRef | null;
    onward?: AgencyRef | null;
}

/** One duty of the plan (nhiệm vụ): who, what, by when, evidence. */
export interface Obligation {
    id: ObligationId;
    /** Absent in input: `task`. */
    kind?: ObligationKind;
    title: string;
    /** What must be done (nội dung). */
    content?: string | null;
    /** Lead agencies (cơ quan chủ trì): accountable. */
    lead?: AgencyRef[];
    /** Coordinating agencies (cơ quan phối hợp): not accountable on their own. */
    coordinating?: AgencyRef[];
    /** Performing agencies (cơ quan thực hiện): accountable, may replace the lead. */
    performers?: AgencyRef[];
    /** Deliverables (sản phẩm). */
    products?: string[];
    schedule: Schedule;
    reporting?: Reporting | null;
    /** The plan's own words for this obligation. */
    source?: SourceSpan | null;
}

/**
 * An implementation plan (Kế hoạch) in its JSON contract form, as `Plan.fromJson` takes it and
 * `Plan.toJSON()` returns it (the output has every field except empty `policies`/`warnings`).
 */
export interface PlanData {
    /** Stable id, e.g. `vinh-long-144-KH-UBND`. */
    id: string;
    /** Number and symbol (số, ký hiệu), e.g. `144/KH-UBND`; `null` for a draft. */
    number?: string | null;
    /** Issuing authority, e.g. `Ủy ban nhân dân tỉnh Vĩnh Long`. */
    issuer?: string | null;
    /** Province or city, e.g. `Vĩnh Long`. */
    jurisdiction?: string | null;
    /** Place in the date line. */
    place?: string | null;
    /** Issue date; `null` for a draft. */
    issue_date?: IsoDate | null;
    title: string;
    /** Documents the plan implements (căn cứ). */
    legal_basis?: LegalReference[];
    /** Date the law takes effect when the plan states it. */
    law_effective_date?: IsoDate | null;
    /** Deadline policies this plan sets; they win over the rule pack's. */
    policies?: PolicyOverrides;
    obligations: Obligation[];
    /** What the plan reader could not understand; empty for hand-written plans. */
    warnings?: IngestWarning[];
    /** How much of the plan text the reader accounted for; absent for hand-written plans. */
    coverage?: Coverage | null;
}

/**
 * Lines of the plan text accounted for (part of an obligation, the header, a section that assigns
 * no dated duty, or a warning); `unaccounted_lines` lists the others (1-based).
 */
export interface Coverage {
    lines: number;
    accounted: number;
    unaccounted_lines?: number[];
}

// ----- Evidence and events -----------------------------------------------------------------------

/**
 * Evidence received (báo cáo, văn bản đã nhận), e.g. `{agency: 'Sở Tư pháp', obligation: 'IV.1',
 * period: '2026', received: '2026-11-13', document_number: '123/BC-STP'}`.
 */
export interface Submission {
    /** The submitting agency as named by the recipient. */
    agency: string;
    /** Obligation id in the plan, e.g. `II.3`. */
    obligation: ObligationId;
    /** Stage id for staged obligations. */
    stage?: string | null;
    /** Period covered; absent: inferred from `received`, and the assessment says so. */
    period?: Period | null;
    /** Date received (ngày nhận). */
    received: IsoDate;
    /** Document number and symbol (số, ký hiệu), e.g. `123/BC-STP`. */
    document_number?: string | null;
    note?: string | null;
}

/**
 * The deadline an event sets, one key: `before` (trước ngày D), `no_later_than` (chậm nhất ngày D),
 * `days` (calendar days after the event) or `working_days` (ngày làm việc).
 */
export type EventDeadline =
    | { before: IsoDate; no_later_than?: never; days?: never; working_days?: never }
    | { no_later_than: IsoDate; before?: never; days?: never; working_days?: never }
    | { days: number; before?: never; no_later_than?: never; working_days?: never }
    | { working_days: number; before?: never; no_later_than?: never; days?: never };

/** Something that happened and starts event-triggered obligations (a request, a decree issued...). */
export interface Event {
    /** Unique id; submissions name the instance as period `event:<id>`. */
    id: string;
    kind: EventKind;
    date: IsoDate;
    /** Obligations it triggers; absent or empty: every obligation triggered by this kind. */
    obligations?: ObligationId[];
    /** Agencies addressed; absent or empty: every responsible agency. */
    agencies?: string[];
    deadline?: EventDeadline | null;
    description?: string | null;
}

// ----- Results ---------------------------------------------------------------------------------

/** Something a rule says about an instance, a submission or a form field (phát hiện). */
export interface Finding {
    /** Id of the rule that produced it. */
    rule: string;
    severity: Severity;
    obligation?: ObligationId;
    agency?: string;
    period?: Period;
    stage?: string;
    /** Index (0-based) of the submission concerned in the input list. */
    submission?: number;
    /** Form field concerned (form validation). */
    field?: FormField;
    message_vi: string;
    message_en: string;
    /** The rule itself failed and was skipped; absent for findings a rule made on purpose. */
    rule_failed?: boolean;
}

/** The policies that decided a due date. */
export interface AppliedPolicy {
    deadline_reading: DeadlineReading;
    day_off: DayOffRule;
}

/** A due date (hạn) and how it was derived from the plan's words. */
export interface DueDate {
    /** The date the plan (or event) states. */
    stated: IsoDate;
    bound: Bound;
    /** Last day on which evidence counts as on time (hạn cuối), after the policies. */
    last_day: IsoDate;
    policy: AppliedPolicy;
    /** Steps, e.g. `trước ngày 15/11/2026 (exclusive) → 14/11/2026`. */
    derivation_vi: string;
    derivation_en: string;
}

/** The assessment of one obligation instance (đánh giá): one agency, one period (and stage). */
export interface Assessment {
    obligation: ObligationId;
    title: string;
    agency: string;
    period: Period;
    stage?: string;
    status: Status;
    /** Open and within `due_soon_days` of the last day (sắp đến hạn). */
    due_soon: boolean;
    due?: DueDate;
    /** Date received (ngày nhận). */
    received?: IsoDate;
    document_number?: string;
    days_late?: number;
    days_remaining?: number;
    /** Rules that returned a verdict for this instance. */
    rules: string[];
    explanation_vi: string;
    explanation_en: string;
    /** The plan's words this obligation comes from. */
    source?: SourceSpan;
}

/** Counts of instances per status. */
export interface StatusCounts {
    done_on_time: number;
    done_late: number;
    in_progress: number;
    overdue: number;
    ongoing: number;
    not_triggered: number;
    unknown: number;
    total: number;
}

/** Aggregates (tổng hợp) per agency and per obligation. */
export interface Summary {
    total: StatusCounts;
    /** Keyed by agency name. */
    by_agency: Record<string, StatusCounts>;
    /** Keyed by obligation id. */
    by_obligation: Record<string, StatusCounts>;
    /** Only the severities that occur. */
    findings_by_severity: Partial<Record<Severity, number>>;
}

/** The result of evaluating a plan (báo cáo kết quả kiểm tra): deterministic for the same input. */
export interface Report {
    /** Plan id. */
    plan: string;
    as_of: IsoDate;
    policies: Policies;
    /** `name@version` of the rule pack. */
    rule_pack: string;
    assessments: Assessment[];
    findings: Finding[];
    summary: Summary;
}

// ----- Requests --------------------------------------------------------------------------------

/** Everything one evaluation needs: the JSON contract shared by the CLI and every binding. */
export interface EvaluationRequest {
    plan: PlanData;
    submissions?: Submission[];
    events?: Event[];
    /** The day the evaluation speaks for (no wall clock anywhere). */
    as_of: IsoDate;
    /** Caller's policy choices; they win over the plan's and the rule pack's. */
    policies?: PolicyOverrides;
    registry?: AgencyRegistry | null;
    calendar?: CalendarOverrides;
}

/**
 * A report-submission form as typed (biểu mẫu nộp báo cáo): every field is text, possibly
 * incomplete or empty (`''`).
 */
export interface SubmissionForm {
    agency: string;
    obligation: string;
    stage?: string | null;
    period?: string | null;
    /** `dd/mm/yyyy` or `yyyy-mm-dd`. */
    received: string;
    document_number?: string | null;
}

/** A form to validate against a plan (`validateFormJson`). */
export interface FormRequest {
    plan: PlanData;
    form: SubmissionForm;
    as_of: IsoDate;
    events?: Event[];
    policies?: PolicyOverrides;
    registry?: AgencyRegistry | null;
    calendar?: CalendarOverrides;
}

// ----- Shapes of the JS API --------------------------------------------------------------------

/** The optional last argument of `Engine.evaluate`. */
export interface EvaluateOptions {
    /** The province's agencies, so groups expand to concrete agencies. */
    registry?: AgencyRegistry | null;
    /** Extra days off and make-up working days. */
    calendar?: CalendarOverrides;
}

/** The optional last argument of `Engine.validateSubmission`. */
export interface FormOptions {
    /** `yyyy-mm-dd` or `dd/mm/yyyy`; default: today on the host's clock. */
    asOf?: string | null;
    events?: Event[];
    policies?: PolicyOverrides;
    registry?: AgencyRegistry | null;
    calendar?: CalendarOverrides;
}

/**
 * A form field a message is about. The standard rules use these six names; a custom rule may name
 * another.
 */
export type FormField =
    | 'agency'
    | 'obligation'
    | 'stage'
    | 'period'
    | 'received'
    | 'document_number'
    | (string & {});

/** One message for a form field (thông báo), as `validateSubmission` returns it. */
export interface FormMessage {
    /** The field concerned; `null` for the whole form (e.g. a rule that failed to run). */
    field: FormField | null;
    severity: Severity;
    ruleId: string;
    message_vi: string;
    message_en: string;
}

/** An obligation as a picker shows it (`Plan.obligations()`). */
export interface ObligationSummary {
    id: ObligationId;
    title: string;
    kind: ObligationKind;
    /** Lead and performing agencies (or groups), by name. */
    responsible: string[];
    /** Coordinating agencies, by name. */
    coordinating: string[];
}

// ----- Rule packs ------------------------------------------------------------------------------

/** A named text file of a rule pack: a `.rhai` rule or a `.test.json` test file. */
export interface SourceFile {
    name: string;
    text: string;
}

/** `pack.json` of a rule pack: name, version, default policies and rule order. */
export interface PackManifest {
    name: string;
    version?: string;
    description?: string;
    /** Policy defaults of this pack (a plan's and the caller's win). */
    policies?: PolicyOverrides;
    /** Rule files in evaluation order; files not listed follow in name order. */
    rules?: string[];
}

/** A rule pack given as sources, for `new Engine(...)`; without `manifest` it is named `custom`. */
export interface RulePackSource {
    manifest?: PackManifest | null;
    rules: SourceFile[];
    tests?: SourceFile[];
}

/** What a rule is evaluated on: each obligation `instance`, or each `submission` and form. */
export type AppliesTo = 'instance' | 'submission';

/** A rule of the pack, from its header comment (`Engine.rules()`). */
export interface RuleInfo {
    id: string;
    title: string;
    applies_to: AppliesTo;
    /** Severity of findings that do not state one. */
    severity: Severity;
    description: string;
    /** The file it was read from. */
    file: string;
}

/** Outcome of one rule unit-test case. */
export interface CaseResult {
    file: string;
    rule: string;
    name: string;
    /** `null` when the case passed; otherwise what differed. */
    failure: string | null;
}

/** Outcome of the pack's unit tests (`Engine.test()`). */
export interface RuleTestReport {
    passed: number;
    failed: number;
    cases: CaseResult[];
}

// ----- Errors ----------------------------------------------------------------------------------

/** What went wrong: bad `input`, an `evaluation` that could not run, or a `rule` pack that failed to build. */
export type TuanthuErrorKind = 'input' | 'evaluation' | 'rule';

/** Every function of this package throws `Error`s of this shape (check `e.name === 'TuanthuError'`). */
export interface TuanthuError extends Error {
    name: 'TuanthuError';
    kind: TuanthuErrorKind;
}
