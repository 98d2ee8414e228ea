//! `tuanthu`: check a plan's compliance, test rule packs, print the JSON Schema.
//!
//! Exit codes: 0 ok; 1 non-compliance found (with `--fail-on`) or rule tests failed; 2 bad input
//! (unreadable or malformed files, rule syntax errors, impossible dates, conflicting options).
//!
//! For pipelines: any input file may be `-` (standard input, once); `--fail-on` says on stderr,
//! one line per reason, why it exits 1; with `--format json` an error is one JSON object on
//! stderr (`tuanthu::api::ErrorObject`).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use tuanthu::api::{
    to_canonical_json, ErrorKind, ErrorObject, FailReason, ReaderWarning, RuleTestReport,
};
use tuanthu::calendar::CalendarOverrides;
use tuanthu::eval::{EvalError, EvaluationRequest, Evaluator};
use tuanthu::input::{self, InputError};
use tuanthu::model::{Assessment, Finding, IngestWarning, Lang, Plan, Report, Severity, Status};
use tuanthu::policy::{DayMonth, DayOffRule, DeadlineReading, PolicyOverrides};
use tuanthu::rules::{RuleError, RulePack};

#[derive(Parser)]
#[command(
    name = "tuanthu",
    version,
    about = "Compliance engine for Vietnamese implementation plans (Kế hoạch triển khai)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a plan against evidence and print the compliance table.
    Check(CheckArgs),
    /// Run the unit tests of rule packs (every directory below PATH with .rhai rules).
    Test {
        #[arg(default_value = "rules")]
        path: PathBuf,
        /// `json`: one `RuleTestReport` per pack, as an array (the bindings' `test()` shape).
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// List the rules of a pack in evaluation order.
    Rules {
        /// Rule pack directory (default: the embedded standard pack).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// `json`: the `RuleInfo` array the bindings' `rules()` return.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Read a plan as issued (plain text or Markdown from .docx) and print it as plan JSON.
    /// What the reader did not understand is listed on stderr (and kept in the plan's warnings).
    Parse {
        /// The plan text.
        file: PathBuf,
        /// Plan id (default: the file name without extension).
        #[arg(long)]
        id: Option<String>,
        /// Write the plan JSON here instead of stdout.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Exit 1 if the reader reports anything at this level or above.
        #[arg(long, value_enum)]
        fail_on: Option<WarnLevel>,
    },
    /// Print the JSON Schema of the data contract.
    Schema,
    /// Run the compliance service (HTTP API, storage, tokens, audit trail). The first admin
    /// token comes from TUANTHU_ADMIN_TOKEN, or is written to DATA/admin-token on a fresh database.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Data directory (the SQLite database lives here).
        #[arg(long, default_value = "tuanthu-data")]
        data: PathBuf,
        /// A postgres:// URL to store in PostgreSQL instead of SQLite.
        #[arg(long)]
        database: Option<String>,
        /// Largest request body accepted, in bytes.
        #[arg(long, default_value_t = 8 * 1024 * 1024)]
        max_body_bytes: usize,
    },
    /// Write synthetic provinces (evaluation requests) for benchmarks.
    Synth {
        #[arg(long, default_value_t = 1)]
        provinces: u32,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 150)]
        agencies: usize,
        #[arg(long, default_value_t = 12)]
        obligations: usize,
        #[arg(long, default_value_t = 5)]
        years: i32,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

/// Output of `test` and `rules`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Overdue,
    Late,
    Unknown,
    Error,
    Warning,
}

#[derive(Clone, Copy, ValueEnum)]
enum WarnLevel {
    Info,
    Warning,
    Error,
}

/// How to read `--plan`: JSON, or a plan as issued (text or Markdown) through the plan reader.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PlanFormat {
    Json,
    Text,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SubmissionsFormat {
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Vi,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum Reading {
    Exclusive,
    Inclusive,
}

#[derive(Clone, Copy, ValueEnum)]
enum DayOff {
    Strict,
    NextWorkingDay,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Plan JSON (see `tuanthu schema`), or a plan as issued (.txt, .md): read by the plan reader
    /// first, its warnings on stderr. `-` reads standard input.
    #[arg(long, required_unless_present = "request")]
    plan: Option<PathBuf>,
    /// How to read --plan (default: .json is JSON, .txt/.md are text, else by content).
    #[arg(long, value_enum)]
    plan_format: Option<PlanFormat>,
    /// Evidence received: CSV (agency,obligation,stage,period,received,document_number,note) or
    /// JSON. `-` reads standard input.
    #[arg(long)]
    submissions: Option<PathBuf>,
    /// How to read --submissions (default: .csv is CSV, .json is JSON, else by content).
    #[arg(long, value_enum)]
    submissions_format: Option<SubmissionsFormat>,
    /// Events JSON (requests from competent authorities, decrees issued...).
    #[arg(long)]
    events: Option<PathBuf>,
    /// Agency registry JSON: expands groups such as "các sở, ban, ngành tỉnh".
    #[arg(long)]
    registry: Option<PathBuf>,
    /// Calendar overrides JSON ({"days_off": [...], "working_days": [...]}).
    #[arg(long)]
    calendar: Option<PathBuf>,
    /// A whole evaluation request JSON instead of the separate files. `-` reads standard input.
    #[arg(long, conflicts_with_all = ["plan", "submissions", "events", "registry", "calendar"])]
    request: Option<PathBuf>,
    /// The day to evaluate as of (YYYY-MM-DD or DD/MM/YYYY). Required: the engine has no clock.
    #[arg(long, value_parser = parse_day, required_unless_present = "request")]
    as_of: Option<NaiveDate>,
    /// Rule pack directory (default: the embedded standard pack).
    #[arg(long)]
    rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    #[arg(long, value_enum, default_value = "vi")]
    lang: LangArg,
    /// How "trước ngày D" is read.
    #[arg(long, value_enum)]
    deadline_reading: Option<Reading>,
    /// What happens when the last day is a weekend or holiday.
    #[arg(long, value_enum)]
    day_off: Option<DayOff>,
    #[arg(long)]
    due_soon_days: Option<u32>,
    /// Due day (DD/MM) for yearly reports whose plan states none.
    #[arg(long)]
    default_yearly_due: Option<String>,
    /// Exit 1 when the report contains any of these (each reason is printed on stderr).
    #[arg(long, value_enum, value_delimiter = ',')]
    fail_on: Vec<FailOn>,
    /// Print parse and evaluation times to stderr.
    #[arg(long)]
    timings: bool,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    use tuanthu::model::{parse_date, DateTextError};
    parse_date(s).map_err(|e| match e {
        DateTextError::NotADate => {
            format!("'{s}' is not a real date (expected YYYY-MM-DD or DD/MM/YYYY)")
        }
        DateTextError::OutOfRange(r) => format!("'{s}': {r}"),
    })
}

/// A failure (exit code 2): the error object of the contract, and the text a person reads.
struct Failure {
    error: ErrorObject,
    text: String,
}

impl Failure {
    fn new(error: ErrorObject) -> Self {
        Failure {
            text: error.to_string(),
            error,
        }
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure {
            error: ErrorObject::from(&e),
            text: e.to_string(),
        }
    }
}

impl From<RuleError> for Failure {
    fn from(e: RuleError) -> Self {
        Failure {
            error: ErrorObject::from(&e),
            text: e.to_string(),
        }
    }
}

impl From<EvalError> for Failure {
    fn from(e: EvalError) -> Self {
        Failure::new(ErrorObject::from(&e))
    }
}

/// Bad input, about no particular file.
fn bad(message: impl Into<String>) -> Failure {
    Failure::new(ErrorObject::new(ErrorKind::Input, message))
}

/// Arguments that cannot work together or are missing.
fn usage(message: impl Into<String>) -> Failure {
    Failure::new(ErrorObject::new(ErrorKind::Usage, message))
}

/// Bad input in `file`.
fn bad_file(file: &str, message: impl Into<String>) -> Failure {
    Failure::new(ErrorObject::new(ErrorKind::Input, message).in_file(file))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let json_errors = match &cli.command {
        Command::Check(a) => a.format == Format::Json,
        Command::Test { format, .. } | Command::Rules { format, .. } => *format == ListFormat::Json,
        _ => false,
    };
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Test { path, format } => test(&path, format),
        Command::Rules { rules, format } => list_rules(rules.as_deref(), format),
        Command::Parse {
            file,
            id,
            out,
            fail_on,
        } => parse(&file, id, out.as_deref(), fail_on),
        Command::Schema => print(&tuanthu::api::schema_json()).map(|_| 0),
        Command::Serve {
            listen,
            data,
            database,
            max_body_bytes,
        } => serve(listen, data, database, max_body_bytes),
        Command::Synth {
            provinces,
            out,
            agencies,
            obligations,
            years,
        } => synth(provinces, &out, agencies, obligations, years),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            if json_errors {
                eprintln!("{}", error_json(&f.error));
            } else {
                eprintln!("error: {}", f.text);
            }
            ExitCode::from(2)
        }
    }
}

fn serve(
    listen: std::net::SocketAddr,
    data: PathBuf,
    database: Option<String>,
    max_body_bytes: usize,
) -> Result<u8, Failure> {
    let mut config = tuanthu_server::Config::new(listen, data);
    config.database = database;
    config.max_body_bytes = max_body_bytes;
    config.admin_token = std::env::var("TUANTHU_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    tuanthu_server::run_blocking(config)
        .map(|_| 0)
        .map_err(|e| Failure::new(ErrorObject::new(ErrorKind::Usage, e.to_string())))
}

/// One line of JSON (a pipeline reads stderr line by line).
fn error_json(e: &ErrorObject) -> String {
    serde_json::to_string(e)
        .unwrap_or_else(|_| format!("{{\"kind\":\"usage\",\"message\":{:?}}}", e.message))
}

/// Arguments clap rejected. `--help` and `--version` go to stdout as usual; under `--format json`
/// the error is a usage error object, since a pipeline asked for JSON.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind as Clap};
    if matches!(e.kind(), Clap::DisplayHelp | Clap::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let wants_json = args
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json");
    if wants_json {
        // clap's first line without its "error: " prefix (the usage footer is for people).
        let rendered = e.render().to_string();
        let message = rendered
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string();
        // A value that does not parse (`--as-of 31/02/2026`) is bad input in that field.
        let field = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(arg)) => arg.split_whitespace().next().map(str::to_string),
            _ => None,
        };
        let kind = match e.kind() {
            Clap::ValueValidation if field.is_some() => ErrorKind::Input,
            _ => ErrorKind::Usage,
        };
        let error = ErrorObject {
            field: field.filter(|_| kind == ErrorKind::Input),
            ..ErrorObject::new(kind, message)
        };
        eprintln!("{}", error_json(&error));
        ExitCode::from(2)
    } else {
        let _ = e.print();
        ExitCode::from(2)
    }
}

fn print(s: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
    Ok(())
}

fn load_pack(rules: Option<&Path>) -> Result<RulePack, Failure> {
    Ok(match rules {
        Some(dir) => RulePack::from_dir(dir)?,
        None => RulePack::standard()?,
    })
}

/// The name `-` gets in messages.
const STDIN: &str = "<stdin>";

/// An input file's bytes and the name messages use for it.
struct Input {
    name: String,
    bytes: Vec<u8>,
    /// Lower-case extension, if the input is a file that has one.
    extension: Option<String>,
}

impl Input {
    /// The input as UTF-8 text (JSON and CSV inputs).
    fn text(&self) -> Result<&str, Failure> {
        std::str::from_utf8(&self.bytes).map_err(|e| {
            bad_file(
                &self.name,
                format!(
                    "not UTF-8 text (byte {}): convert the file to UTF-8 first",
                    e.valid_up_to()
                ),
            )
        })
    }

    /// Options for the plan reader: the plan id is the file stem (`plan` for standard input).
    fn parse_options(&self) -> tuanthu::ingest::ParseOptions {
        let mut options = tuanthu::ingest::ParseOptions::for_file(self.name.clone());
        if self.name == STDIN {
            options.plan_id = "plan".to_string();
        }
        options
    }
}

/// Reads a file, or standard input for `-`. Bytes, not text: a plan may be a .docx or a PDF, and
/// a file saved in a legacy encoding should say so, not crash.
fn read_input(path: &Path) -> Result<Input, Failure> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| bad_file(STDIN, format!("cannot read: {e}")))?;
        return Ok(Input {
            name: STDIN.to_string(),
            bytes,
            extension: None,
        });
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| bad_file(&name, format!("cannot read: {e}")))?;
    Ok(Input {
        bytes,
        extension: path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase()),
        name,
    })
}

/// The first byte that is not ASCII whitespace or part of a UTF-8 byte-order mark.
fn first_byte(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// At most one input may be standard input: it can be read only once.
fn one_stdin(a: &CheckArgs) -> Result<(), Failure> {
    let dashes: Vec<&str> = [
        ("--plan", &a.plan),
        ("--submissions", &a.submissions),
        ("--events", &a.events),
        ("--registry", &a.registry),
        ("--calendar", &a.calendar),
        ("--request", &a.request),
    ]
    .into_iter()
    .filter(|(_, p)| p.as_deref() == Some(Path::new("-")))
    .map(|(flag, _)| flag)
    .collect();
    if dashes.len() > 1 {
        return Err(usage(format!(
            "{} all read standard input; only one input can be `-`",
            dashes.join(", ")
        )));
    }
    Ok(())
}

fn read_json_input<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Failure> {
    let input = read_input(path)?;
    Ok(input::from_json_str(&input.name, input.text()?)?)
}

/// Reads `--plan`: plan JSON, or a plan as issued through the plan reader (warnings on stderr,
/// as JSON objects when `json`).
fn read_plan(path: &Path, format: Option<PlanFormat>, json: bool) -> Result<Plan, Failure> {
    let input = read_input(path)?;
    let format = format.unwrap_or(match input.extension.as_deref() {
        Some("json") => PlanFormat::Json,
        Some("txt" | "md" | "markdown" | "docx" | "pdf") => PlanFormat::Text,
        // Plan JSON is an object; a plan as issued (text, .docx, PDF) never starts with `{`.
        _ if first_byte(&input.bytes) == Some(b'{') => PlanFormat::Json,
        _ => PlanFormat::Text,
    });
    if format == PlanFormat::Json {
        return Ok(input::from_json_str(&input.name, input.text()?)?);
    }
    read_plan_text(&input, json)
}

/// Reads a plan as issued (text, Markdown, .docx or PDF, told apart by content).
fn read_plan_text(input: &Input, json: bool) -> Result<Plan, Failure> {
    let outcome = read_issued_plan(input, &input.parse_options())?;
    for w in &outcome.plan.warnings {
        if json {
            eprintln!("{}", warning_json(&input.name, w));
        } else {
            eprintln!("{}", warning_line(&input.name, w));
        }
    }
    if let Some(e) = outcome.warnings_at_least(Severity::Error).next() {
        return Err(Failure::new(ErrorObject {
            kind: ErrorKind::Input,
            file: Some(input.name.clone()),
            line: usize::try_from(e.line).ok().filter(|l| *l > 0),
            field: None,
            message: format!("the plan reader found no plan: {}", e.message),
        }));
    }
    if outcome.plan.obligations.is_empty() {
        return Err(bad_file(
            &input.name,
            "the plan reader found no obligations to check (is this a plan?)",
        ));
    }
    Ok(outcome.plan)
}

/// The plan reader over an input's bytes; the format is chosen by content.
fn read_issued_plan(
    input: &Input,
    options: &tuanthu::ingest::ParseOptions,
) -> Result<tuanthu::ingest::ParseOutcome, Failure> {
    tuanthu::ingest::read_plan_bytes(&input.bytes, Some(&input.name), options).map_err(|e| {
        // The reader's messages start with the file's name; the error object names it once.
        let message = e.to_string();
        let message = message
            .strip_prefix(&format!("{}: ", input.name))
            .unwrap_or(&message);
        bad_file(&input.name, message)
    })
}

/// `file:line: level [code]: message`, as `tuanthu parse` prints the reader's warnings.
fn warning_line(file: &str, w: &IngestWarning) -> String {
    let level = w.severity.unwrap_or(Severity::Warning);
    format!(
        "{}:{}: {} [{}]: {}",
        file,
        w.line,
        level.as_str(),
        w.code,
        w.message
    )
}

/// The same warning as one line of JSON (`tuanthu::api::ReaderWarning`).
fn warning_json(file: &str, w: &IngestWarning) -> String {
    let warning = ReaderWarning {
        file: file.to_string(),
        warning: w.clone(),
    };
    serde_json::to_string(&warning).unwrap_or_else(|_| warning_line(file, w))
}

/// Reads `--submissions` as CSV or JSON.
fn read_submissions(
    path: &Path,
    format: Option<SubmissionsFormat>,
) -> Result<Vec<tuanthu::model::Submission>, Failure> {
    let input = read_input(path)?;
    let format = format.unwrap_or(match input.extension.as_deref() {
        Some("csv") => SubmissionsFormat::Csv,
        Some("json") => SubmissionsFormat::Json,
        // Submissions JSON is an array; a CSV starts with its header row.
        _ if first_byte(&input.bytes) == Some(b'[') => SubmissionsFormat::Json,
        _ => SubmissionsFormat::Csv,
    });
    Ok(match format {
        SubmissionsFormat::Csv => input::submissions_from_csv(&input.name, input.text()?)?,
        // Rows read through the submissions table, as CSV files and every binding read them.
        SubmissionsFormat::Json => input::submissions_from_records(&input.name, input.text()?)?,
    })
}

fn build_request(a: &CheckArgs) -> Result<EvaluationRequest, Failure> {
    one_stdin(a)?;
    let mut req = if let Some(path) = &a.request {
        read_json_input::<EvaluationRequest>(path)?
    } else {
        let plan_path = a.plan.as_ref().ok_or_else(|| usage("--plan is required"))?;
        EvaluationRequest {
            plan: read_plan(plan_path, a.plan_format, a.format == Format::Json)?,
            submissions: match &a.submissions {
                Some(p) => read_submissions(p, a.submissions_format)?,
                None => Vec::new(),
            },
            events: match &a.events {
                Some(p) => read_json_input(p)?,
                None => Vec::new(),
            },
            as_of: a.as_of.ok_or_else(|| usage("--as-of is required"))?,
            policies: PolicyOverrides::default(),
            registry: match &a.registry {
                Some(p) => Some(read_json_input(p)?),
                None => None,
            },
            calendar: match &a.calendar {
                Some(p) => read_json_input::<CalendarOverrides>(p)?,
                None => CalendarOverrides::default(),
            },
        }
    };
    if let Some(d) = a.as_of {
        req.as_of = d;
    }
    let o = &mut req.policies;
    if let Some(r) = a.deadline_reading {
        o.deadline_reading = Some(match r {
            Reading::Exclusive => DeadlineReading::Exclusive,
            Reading::Inclusive => DeadlineReading::Inclusive,
        });
    }
    if let Some(d) = a.day_off {
        o.day_off = Some(match d {
            DayOff::Strict => DayOffRule::Strict,
            DayOff::NextWorkingDay => DayOffRule::NextWorkingDay,
        });
    }
    if let Some(n) = a.due_soon_days {
        o.due_soon_days = Some(n);
    }
    if let Some(s) = &a.default_yearly_due {
        o.default_yearly_due = Some(
            DayMonth::try_from(s.clone())
                .map_err(|e| usage(format!("--default-yearly-due: {e}")))?,
        );
    }
    Ok(req)
}

fn check(a: &CheckArgs) -> Result<u8, Failure> {
    let t0 = Instant::now();
    let pack = load_pack(a.rules.as_deref())?;
    let t_pack = t0.elapsed();
    let req = build_request(a)?;
    let t_read = t0.elapsed() - t_pack;
    let evaluator = Evaluator::new(pack);
    let t1 = Instant::now();
    let report = evaluator.evaluate(&req)?;
    let t_eval = t1.elapsed();
    let lang = match a.lang {
        LangArg::Vi => Lang::Vi,
        LangArg::En => Lang::En,
    };
    let text = match a.format {
        Format::Table => tuanthu::report::render_table(&report, lang),
        Format::Json => to_canonical_json(&report),
        Format::Csv => {
            tuanthu::report::render_csv(&report, lang).map_err(|e| bad(e.to_string()))?
        }
    };
    print(&text)?;
    if a.timings {
        eprintln!(
            "timings: rule pack {:.3} ms, read input {:.3} ms, evaluate {:.3} ms ({} instances, {:.3} µs/instance)",
            t_pack.as_secs_f64() * 1e3,
            t_read.as_secs_f64() * 1e3,
            t_eval.as_secs_f64() * 1e3,
            report.assessments.len(),
            t_eval.as_secs_f64() * 1e6 / report.assessments.len().max(1) as f64
        );
    }
    let reasons = fail_reasons(&report, &a.fail_on);
    for r in &reasons {
        match a.format {
            Format::Json => eprintln!(
                "{}",
                serde_json::to_string(r).unwrap_or_else(|_| reason_line(r))
            ),
            _ => eprintln!("{}", reason_line(r)),
        }
    }
    Ok(if reasons.is_empty() { 0 } else { 1 })
}

/// How many offenders a `--fail-on` line names before "and N more".
const NAMED: usize = 5;

/// A reason as a person reads it, e.g.
/// `fail-on overdue: 3 assessments (II.3 Sở Tư pháp, IV.1 Sở Xây dựng 2026, …)`.
fn reason_line(r: &FailReason) -> String {
    let n = r.count;
    let mut named = r
        .offenders
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if n > NAMED {
        named.push_str(&format!(", and {} more", n - NAMED));
    }
    let plural = if n == 1 { "" } else { "s" };
    format!("fail-on {}: {n} {}{plural} ({named})", r.fail_on, r.counts)
}

/// Each `--fail-on` condition the report meets, once, in the order given.
fn fail_reasons(report: &Report, fail_on: &[FailOn]) -> Vec<FailReason> {
    let mut seen = Vec::new();
    let mut reasons = Vec::new();
    for &f in fail_on {
        if seen.contains(&f) {
            continue;
        }
        seen.push(f);
        let (name, labels, noun) = match f {
            FailOn::Overdue => (
                "overdue",
                status_labels(report, Status::Overdue),
                "assessment",
            ),
            FailOn::Late => (
                "late",
                status_labels(report, Status::DoneLate),
                "assessment",
            ),
            FailOn::Unknown => (
                "unknown",
                status_labels(report, Status::Unknown),
                "assessment",
            ),
            FailOn::Error => ("error", finding_labels(report, Severity::Error), "finding"),
            FailOn::Warning => (
                "warning",
                finding_labels(report, Severity::Warning),
                "finding",
            ),
        };
        if labels.is_empty() {
            continue;
        }
        reasons.push(FailReason {
            fail_on: name.to_string(),
            count: labels.len(),
            counts: noun.to_string(),
            offenders: labels,
        });
    }
    reasons
}

fn status_labels(report: &Report, status: Status) -> Vec<String> {
    report
        .assessments
        .iter()
        .filter(|a| a.status == status)
        .map(assessment_label)
        .collect()
}

/// `II.3 Sở Tư pháp`, with the period when the obligation recurs: `IV.1 Sở Xây dựng 2026`.
fn assessment_label(a: &Assessment) -> String {
    let mut s = format!("{} {}", a.obligation, a.agency);
    if a.period != tuanthu::model::Period::Once {
        s.push_str(&format!(" {}", a.period));
    }
    if let Some(stage) = &a.stage {
        s.push_str(&format!(" [{stage}]"));
    }
    s
}

fn finding_labels(report: &Report, at_least: Severity) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|x| x.severity >= at_least)
        .map(finding_label)
        .collect()
}

/// `evidence.document-number: II.3 Sở Tư pháp`, or the submission's row when no instance.
fn finding_label(f: &Finding) -> String {
    let mut about: Vec<String> = Vec::new();
    if let Some(o) = &f.obligation {
        about.push(o.to_string());
    }
    if let Some(a) = &f.agency {
        about.push(a.to_string());
    }
    if let Some(p) = f
        .period
        .as_ref()
        .filter(|p| **p != tuanthu::model::Period::Once)
    {
        about.push(p.to_string());
    }
    if about.is_empty() {
        if let Some(i) = f.submission {
            about.push(format!("submission {}", i + 1));
        }
    }
    if about.is_empty() {
        f.rule.to_string()
    } else {
        format!("{}: {}", f.rule, about.join(" "))
    }
}

/// Directories below `root` (itself included) that hold `.rhai` files, sorted.
fn pack_dirs(root: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| bad(format!("{}: {e}", dir.display())))?;
        let mut has_rules = false;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rhai") {
                has_rules = true;
            }
        }
        if has_rules {
            out.push(dir);
        }
    }
    out.sort();
    Ok(out)
}

fn test(root: &Path, format: ListFormat) -> Result<u8, Failure> {
    let dirs = pack_dirs(root)?;
    if dirs.is_empty() {
        return Err(bad(format!(
            "{}: no rule pack (.rhai files) found",
            root.display()
        )));
    }
    let mut reports = Vec::new();
    for dir in &dirs {
        reports.push(tuanthu::api::test_report(&RulePack::from_dir(dir)?));
    }
    let failed: usize = reports.iter().map(|r| r.failed).sum();
    match format {
        ListFormat::Json => print(&to_canonical_json(&reports))?,
        ListFormat::Table => {
            for (dir, report) in dirs.iter().zip(&reports) {
                print_test_report(dir, report);
            }
            let passed: usize = reports.iter().map(|r| r.passed).sum();
            println!("{passed} passed, {failed} failed");
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

fn print_test_report(dir: &Path, report: &RuleTestReport) {
    println!("{} ({})", dir.display(), report.pack);
    for c in &report.cases {
        match &c.failure {
            None => println!("  ok    {} :: {}", c.rule, c.name),
            Some(why) => println!("  FAIL  {} :: {}\n        {why}", c.rule, c.name),
        }
    }
    for r in &report.untested_rules {
        println!("  note  rule '{r}' has no test cases");
    }
}

/// `tuanthu rules`: the pack's rules, as a table or as the contract's `RuleInfo` array.
fn list_rules(dir: Option<&Path>, format: ListFormat) -> Result<u8, Failure> {
    let rules = tuanthu::api::rule_listing(&load_pack(dir)?);
    match format {
        ListFormat::Json => print(&to_canonical_json(&rules))?,
        ListFormat::Table => {
            for r in &rules {
                println!(
                    "{:<28} {:<10} {:<7} {}",
                    r.id,
                    r.applies_to.as_str(),
                    r.severity.as_str(),
                    r.title
                );
            }
        }
    }
    Ok(0)
}

fn synth(
    provinces: u32,
    out: &Path,
    agencies: usize,
    obligations: usize,
    years: i32,
) -> Result<u8, Failure> {
    std::fs::create_dir_all(out).map_err(|e| bad(format!("{}: {e}", out.display())))?;
    let shape = tuanthu::unstable::synth::Shape {
        agencies,
        obligations,
        years,
        ..Default::default()
    };
    for i in 1..=provinces {
        let req = tuanthu::unstable::synth::province(u64::from(i), shape);
        let path = out.join(format!("province-{i:02}.json"));
        std::fs::write(&path, to_canonical_json(&req))
            .map_err(|e| bad(format!("{}: {e}", path.display())))?;
    }
    eprintln!("wrote {provinces} province(s) to {}", out.display());
    Ok(0)
}

fn parse(
    file: &Path,
    id: Option<String>,
    out: Option<&Path>,
    fail_on: Option<WarnLevel>,
) -> Result<u8, Failure> {
    let input = read_input(file)?;
    let mut options = input.parse_options();
    if let Some(id) = id {
        options.plan_id = id;
    }
    let outcome = read_issued_plan(&input, &options)?;
    let json = to_canonical_json(&outcome.plan);
    match out {
        Some(p) => std::fs::write(p, &json).map_err(|e| bad(format!("{}: {e}", p.display())))?,
        None => print(&json)?,
    }
    let threshold = fail_on.map(|l| match l {
        WarnLevel::Info => Severity::Info,
        WarnLevel::Warning => Severity::Warning,
        WarnLevel::Error => Severity::Error,
    });
    for w in &outcome.plan.warnings {
        eprintln!("{}", warning_line(&file.display().to_string(), w));
    }
    let coverage = outcome.plan.coverage.as_ref().map_or(String::new(), |c| {
        format!(
            ", {} of {} line(s) accounted for ({:.1}%)",
            c.accounted,
            c.lines,
            100.0 * c.ratio()
        )
    });
    eprintln!(
        "{}: {} obligation(s), {} warning(s){coverage}",
        file.display(),
        outcome.plan.obligations.len(),
        outcome.plan.warnings.len()
    );
    let failed = threshold.is_some_and(|t| {
        outcome
            .plan
            .warnings
            .iter()
            .any(|w| w.severity.unwrap_or(Severity::Warning) >= t)
    });
    Ok(if failed { 1 } else { 0 })
}
