//! `tuanthu`: check a plan's compliance, test rule packs, print the JSON Schema.
//!
//! Exit codes: 0 ok; 1 non-compliance found (with `--fail-on`) or rule tests failed; 2 bad input
//! (unreadable or malformed files, rule syntax errors, impossible dates, conflicting options).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use tuanthu::api::to_canonical_json;
use tuanthu::calendar::CalendarOverrides;
use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::input::{self, InputError};
use tuanthu::model::{Lang, Report, Severity, Status};
use tuanthu::policy::{DayMonth, DayOffRule, DeadlineReading, PolicyOverrides};
use tuanthu::rules::RulePack;

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

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
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
    /// Plan JSON (see `tuanthu schema`).
    #[arg(long, required_unless_present = "request")]
    plan: Option<PathBuf>,
    /// Evidence received: CSV (agency,obligation,stage,period,received,document_number,note) or JSON.
    #[arg(long)]
    submissions: Option<PathBuf>,
    /// Events JSON (requests from competent authorities, decrees issued...).
    #[arg(long)]
    events: Option<PathBuf>,
    /// Agency registry JSON: expands groups such as "các sở, ban, ngành tỉnh".
    #[arg(long)]
    registry: Option<PathBuf>,
    /// Calendar overrides JSON ({"days_off": [...], "working_days": [...]}).
    #[arg(long)]
    calendar: Option<PathBuf>,
    /// A whole evaluation request JSON instead of the separate files.
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
    /// Exit 1 when the report contains any of these.
    #[arg(long, value_enum, value_delimiter = ',')]
    fail_on: Vec<FailOn>,
    /// Print parse and evaluation times to stderr.
    #[arg(long)]
    timings: bool,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    use tuanthu::rules::date::{parse_date, DateTextError};
    parse_date(s).map_err(|e| match e {
        DateTextError::NotADate => {
            format!("'{s}' is not a real date (expected YYYY-MM-DD or DD/MM/YYYY)")
        }
        DateTextError::OutOfRange(r) => format!("'{s}': {r}"),
    })
}

/// A failure with its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure {
            code: 2,
            message: format!("error: {e}"),
        }
    }
}

fn bad(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: format!("error: {}", message.into()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Test { path } => test(&path),
        Command::Parse {
            file,
            id,
            out,
            fail_on,
        } => parse(&file, id, out.as_deref(), fail_on),
        Command::Schema => print(&tuanthu::api::schema_json()).map(|_| 0),
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
            eprintln!("{}", f.message);
            ExitCode::from(f.code)
        }
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
    match rules {
        Some(dir) => RulePack::from_dir(dir).map_err(|e| bad(e.to_string())),
        None => RulePack::standard().map_err(|e| bad(e.to_string())),
    }
}

fn build_request(a: &CheckArgs) -> Result<EvaluationRequest, Failure> {
    let mut req = if let Some(path) = &a.request {
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(format!("{}: cannot read: {e}", path.display())))?;
        input::from_json_str::<EvaluationRequest>(&path.display().to_string(), &text)?
    } else {
        let plan_path = a.plan.as_ref().ok_or_else(|| bad("--plan is required"))?;
        EvaluationRequest {
            plan: input::read_plan(plan_path)?,
            submissions: match &a.submissions {
                Some(p) => input::read_submissions(p)?,
                None => Vec::new(),
            },
            events: match &a.events {
                Some(p) => input::read_events(p)?,
                None => Vec::new(),
            },
            as_of: a.as_of.ok_or_else(|| bad("--as-of is required"))?,
            policies: PolicyOverrides::default(),
            registry: match &a.registry {
                Some(p) => Some(input::read_registry(p)?),
                None => None,
            },
            calendar: match &a.calendar {
                Some(p) => {
                    let text = std::fs::read_to_string(p)
                        .map_err(|e| bad(format!("{}: cannot read: {e}", p.display())))?;
                    input::from_json_str::<CalendarOverrides>(&p.display().to_string(), &text)?
                }
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
            DayMonth::try_from(s.clone()).map_err(|e| bad(format!("--default-yearly-due: {e}")))?,
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
    let report = evaluator.evaluate(&req).map_err(|e| bad(e.to_string()))?;
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
    Ok(if failed(&report, &a.fail_on) { 1 } else { 0 })
}

fn failed(report: &Report, fail_on: &[FailOn]) -> bool {
    fail_on.iter().any(|f| match f {
        FailOn::Overdue => report.summary.total.get(Status::Overdue) > 0,
        FailOn::Late => report.summary.total.get(Status::DoneLate) > 0,
        FailOn::Unknown => report.summary.total.get(Status::Unknown) > 0,
        FailOn::Error => report
            .findings
            .iter()
            .any(|x| x.severity == Severity::Error),
        FailOn::Warning => report
            .findings
            .iter()
            .any(|x| x.severity >= Severity::Warning),
    })
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

fn test(root: &Path) -> Result<u8, Failure> {
    let dirs = pack_dirs(root)?;
    if dirs.is_empty() {
        return Err(bad(format!(
            "{}: no rule pack (.rhai files) found",
            root.display()
        )));
    }
    let (mut passed, mut failed) = (0, 0);
    for dir in dirs {
        let pack = RulePack::from_dir(&dir).map_err(|e| bad(e.to_string()))?;
        let report = pack.run_tests();
        println!("{} ({})", dir.display(), pack.label());
        for c in &report.cases {
            match &c.failure {
                None => println!("  ok    {} :: {}", c.rule, c.name),
                Some(why) => println!("  FAIL  {} :: {}\n        {why}", c.rule, c.name),
            }
        }
        for r in report.untested_rules(&pack) {
            println!("  note  rule '{r}' has no test cases");
        }
        passed += report.passed();
        failed += report.failed();
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed > 0 { 1 } else { 0 })
}

fn synth(
    provinces: u32,
    out: &Path,
    agencies: usize,
    obligations: usize,
    years: i32,
) -> Result<u8, Failure> {
    std::fs::create_dir_all(out).map_err(|e| bad(format!("{}: {e}", out.display())))?;
    let shape = tuanthu::synth::Shape {
        agencies,
        obligations,
        years,
        ..Default::default()
    };
    for i in 1..=provinces {
        let req = tuanthu::synth::province(u64::from(i), shape);
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
    use tuanthu::ingest::{parse_plan, ParseOptions};
    // Read bytes, not text: a plan saved in a legacy encoding should say so, not crash.
    let bytes =
        std::fs::read(file).map_err(|e| bad(format!("{}: cannot read: {e}", file.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        bad(format!(
            "{}: not UTF-8 text (byte {}): convert the file to UTF-8 first",
            file.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let mut options = ParseOptions::for_file(file.display().to_string());
    if let Some(id) = id {
        options.plan_id = id;
    }
    let outcome = parse_plan(&text, &options);
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
        let level = w.severity.unwrap_or(Severity::Warning);
        eprintln!(
            "{}:{}: {} [{}]: {}",
            file.display(),
            w.line,
            level.as_str(),
            w.code,
            w.message
        );
    }
    eprintln!(
        "{}: {} obligation(s), {} warning(s)",
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
