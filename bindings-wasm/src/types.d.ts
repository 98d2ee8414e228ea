// ---------------------------------------------------------------------------------------------
// The shapes only the JS API has (its option objects, its error). Every shape of the JSON contract
// (plans, requests, reports, rule listings, test reports, error objects) is generated from the
// core's JSON Schema into contract.d.ts; this file only names them as the JS API uses them.
// ---------------------------------------------------------------------------------------------

/** Output language of messages and labels. */
export type Lang = 'vi' | 'en';

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

/** A rule pack given as sources, for `new Engine(...)`; without `manifest` it is named `custom`. */
export interface RulePackSource {
    manifest?: PackManifest | null;
    rules: SourceFile[];
    tests?: SourceFile[];
}

/** One rule unit-test case of `Engine.test()` (the contract's `RuleTestCase`). */
export type CaseResult = RuleTestCase;

/** The kind of a `TuanthuError`: the contract's `ErrorKind`. */
export type TuanthuErrorKind = ErrorKind;

/**
 * Every function of this package throws `Error`s of this shape (check `e.name === 'TuanthuError'`):
 * the core's `ErrorObject` as properties (`detail` is its `message`; `message` the one-line text).
 */
export interface TuanthuError extends Error {
    name: 'TuanthuError';
    kind: TuanthuErrorKind;
    file: string | null;
    line: number | null;
    field: string | null;
    detail: string;
}
