//! The HTTP API. Every handler authenticates first (401/403), reads its body itself (so a bad
//! body is a 4xx with a contract error object), and stores nothing unless everything is valid.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuanthu::api::{to_canonical_json, ErrorKind, ErrorObject};
use tuanthu::eval::{EvaluationRequest, FormContext, SubmissionForm};
use tuanthu::input::{from_json_str, submissions_from_csv};
use tuanthu::model::{
    same_agency_name, AgencyIndex, AgencyRegistry, Event, Finding, Lang, Plan, Report, Severity,
    Status, Submission,
};

use crate::auth::{authenticate, insert_token, new_secret, Caller, CreatedToken, NewToken, Role};
use crate::cache::CachedRevision;
use crate::error::{HttpError, Query};
use crate::export::{self, Filter};
use crate::hash::{request_hash, sha256_hex};
use crate::inputs::RequestInputs;
use crate::store::{
    self, AuditRecord, IdempotencyRecord, NewSubmissions, Revision, StoredSubmission,
};
use crate::AppState;

type St = State<Arc<AppState>>;
type Body = Result<Bytes, BytesRejection>;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let limit = state.max_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/", get(|| page("text/html; charset=utf-8", DASHBOARD)))
        .route("/form", get(|| page("text/html; charset=utf-8", FORM)))
        .route(
            "/pages/common.js",
            get(|| page("text/javascript; charset=utf-8", COMMON_JS)),
        )
        .route(
            "/pages/style.css",
            get(|| page("text/css; charset=utf-8", STYLE)),
        )
        .route("/v1/whoami", get(whoami))
        .route("/v1/plans/{plan_id}/registry", get(get_registry))
        .route("/openapi.json", get(openapi))
        .route("/v1/tokens", post(create_token))
        .route("/v1/plans", get(list_plans).post(upload_plan_json))
        .route("/v1/plans/{plan_id}", get(get_plan))
        .route("/v1/plans/{plan_id}/source", post(upload_plan_source))
        .route("/v1/plans/{plan_id}/revisions", get(list_revisions))
        .route("/v1/plans/{plan_id}/diff", get(diff_revisions))
        .route(
            "/v1/plans/{plan_id}/submissions",
            get(list_submissions).post(submit_one),
        )
        .route("/v1/plans/{plan_id}/submissions/batch", post(submit_batch))
        .route("/v1/plans/{plan_id}/report", get(report))
        .route("/v1/audit", get(audit_list))
        .route("/v1/audit/{id}/rerun", get(audit_rerun))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

// The pages people use: compiled in, public (they hold no data; the token is typed in them).
const DASHBOARD: &str = include_str!("../pages/dashboard.html");
const FORM: &str = include_str!("../pages/form.html");
const COMMON_JS: &str = include_str!("../pages/common.js");
const STYLE: &str = include_str!("../pages/style.css");

async fn page(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Who the token is: name, role, and the agency a submitter files for.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WhoAmI {
    pub name: String,
    pub role: Role,
    pub agency: Option<String>,
}

async fn whoami(State(state): St, headers: HeaderMap) -> Result<Response, HttpError> {
    let c = authenticate(&state.db, &headers, "whoami").await?;
    Ok(Json(WhoAmI {
        name: c.name,
        role: c.role,
        agency: c.agency,
    })
    .into_response())
}

async fn get_registry(
    State(state): St,
    Path(plan_id): Path<String>,
    Query(q): Query<RevisionQuery>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    authenticate(&state.db, &headers, "read registry").await?;
    let rev = revision_or_latest(&state, &plan_id, q.revision).await?;
    Ok(Json(&rev.registry).into_response())
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document(),
    )
        .into_response()
}

// ---------- helpers ----------

/// The body, or a 413/400 contract error.
fn body(b: Body) -> Result<Bytes, HttpError> {
    b.map_err(|e| {
        let status = e.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "request body is larger than the service accepts (--max-body-bytes)".to_string()
        } else {
            format!("cannot read the request body: {e}")
        };
        HttpError::new(status, ErrorKind::Input, message)
    })
}

/// The media type of the request, lower case, without parameters.
fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn require_type(headers: &HeaderMap, allowed: &[&str]) -> Result<String, HttpError> {
    let ct = content_type(headers);
    if allowed.contains(&ct.as_str()) {
        Ok(ct)
    } else {
        Err(HttpError::unsupported_media(format!(
            "Content-Type '{}' is not accepted here; send {}",
            if ct.is_empty() { "(none)" } else { &ct },
            allowed.join(" or ")
        )))
    }
}

fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, HttpError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| HttpError::bad_request(format!("{what} is not UTF-8 text: {e}")))?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// A contract input error (file, line, field) as a 400.
fn input_error(e: &tuanthu::input::InputError) -> HttpError {
    HttpError::bad_request(e.message.clone()).with_object(ErrorObject::from(e))
}

/// Plan ids become part of URLs and file names elsewhere: letters, digits, `.`, `_`, `-`.
fn check_plan_id(id: &str) -> Result<(), HttpError> {
    let ok = !id.is_empty()
        && id.len() <= 120
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(HttpError::bad_request(format!(
            "plan id '{id}' is not allowed: use 1–120 ASCII letters, digits, '.', '_' or '-', \
             not starting with '.'"
        )))
    }
}

/// An uploaded file's name is only a label, but one with a path in it is refused rather than
/// trusted: no directories, no `..`, no control characters.
fn check_file_name(name: &str) -> Result<(), HttpError> {
    let bad = name.is_empty()
        || name.len() > 255
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(char::is_control)
        || name.starts_with('.')
        || name.contains("..");
    if bad {
        Err(HttpError::bad_request(format!(
            "file name {name:?} is not allowed: give a plain name such as plan.docx \
             (no directories, '..', leading '.' or control characters)"
        )))
    } else {
        Ok(())
    }
}

async fn latest(state: &AppState, plan_id: &str) -> Result<Arc<CachedRevision>, HttpError> {
    let n = store::latest_revision_number(&state.db, plan_id)
        .await?
        .ok_or_else(|| HttpError::not_found(format!("no plan '{plan_id}'")))?;
    cached_revision(state, plan_id, n).await
}

/// A revision from the cache, or read (and then cached): revisions never change once stored.
async fn revision_or_latest(
    state: &AppState,
    plan_id: &str,
    revision: Option<i64>,
) -> Result<Arc<CachedRevision>, HttpError> {
    match revision {
        None => latest(state, plan_id).await,
        Some(r) => cached_revision(state, plan_id, r).await,
    }
}

async fn cached_revision(
    state: &AppState,
    plan_id: &str,
    r: i64,
) -> Result<Arc<CachedRevision>, HttpError> {
    if let Some(hit) = state.revisions.get(plan_id, r) {
        return Ok(hit);
    }
    let rev = store::revision(&state.db, plan_id, r)
        .await?
        .ok_or_else(|| HttpError::not_found(format!("plan '{plan_id}' has no revision {r}")))?;
    Ok(state.revisions.insert(rev))
}

fn created<T: Serialize>(v: &T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

// ---------- tokens ----------

async fn create_token(
    State(state): St,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, HttpError> {
    let caller = authenticate(&state.db, &headers, "create token").await?;
    caller.require(&[Role::Admin], "creating tokens")?;
    require_type(&headers, &["application/json"])?;
    let b = body(b)?;
    let t: NewToken = from_json_str("<token>", utf8(&b, "body")?).map_err(|e| input_error(&e))?;
    if t.name.trim().is_empty() {
        return Err(HttpError::bad_request("field `name`: a token needs a name"));
    }
    match (t.role, &t.agency) {
        (Role::Submitter, None) => {
            return Err(HttpError::bad_request(
                "field `agency`: a submitter token is bound to one agency; name it",
            ))
        }
        (Role::Admin | Role::Viewer, Some(_)) => {
            return Err(HttpError::bad_request(
                "field `agency`: only submitter tokens are bound to an agency",
            ))
        }
        _ => {}
    }
    let secret = new_secret();
    insert_token(&state.db, &secret, &t).await?;
    tracing::info!(by = %caller.name, name = %t.name, role = t.role.as_str(), "token created");
    Ok(created(&CreatedToken {
        token: secret,
        name: t.name,
        role: t.role,
        agency: t.agency,
    }))
}

// ---------- plans ----------

/// A plan upload as JSON: the plan, and optionally the province's agency registry and events.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanUpload {
    plan: Plan,
    #[serde(default)]
    registry: Option<AgencyRegistry>,
    #[serde(default)]
    events: Vec<Event>,
}

async fn list_plans(State(state): St, headers: HeaderMap) -> Result<Response, HttpError> {
    authenticate(&state.db, &headers, "list plans").await?;
    Ok(Json(store::plans(&state.db).await?).into_response())
}

async fn upload_plan_json(
    State(state): St,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, HttpError> {
    let caller = authenticate(&state.db, &headers, "upload plan").await?;
    caller.require(&[Role::Admin], "uploading a plan")?;
    require_type(&headers, &["application/json"])?;
    let b = body(b)?;
    let text = utf8(&b, "body")?;
    // `{"plan": ..., "registry": ..., "events": ...}` or a bare plan.
    let wrapped = serde_json::from_str::<serde_json::Value>(text)
        .map(|v| v.get("plan").is_some())
        .unwrap_or(false);
    let up = if wrapped {
        from_json_str::<PlanUpload>("<plan upload>", text).map_err(|e| input_error(&e))?
    } else {
        PlanUpload {
            plan: from_json_str::<Plan>("<plan>", text).map_err(|e| input_error(&e))?,
            registry: None,
            events: Vec::new(),
        }
    };
    check_plan_id(&up.plan.id)?;
    check_evaluable(&state, &up.plan, up.registry.as_ref(), &up.events)?;
    let warnings = up.plan.warnings.clone();
    let info = store::insert_revision(
        &state.db,
        &up.plan,
        up.registry.as_ref(),
        &up.events,
        None,
        &warnings,
        &caller.name,
    )
    .await?;
    Ok(created(&info))
}

/// A plan the engine cannot evaluate (duplicate ids, dates out of range) is refused at upload.
fn check_evaluable(
    state: &AppState,
    plan: &Plan,
    registry: Option<&AgencyRegistry>,
    events: &[Event],
) -> Result<(), HttpError> {
    let req = EvaluationRequest {
        plan: plan.clone(),
        submissions: Vec::new(),
        events: events.to_vec(),
        as_of: crate::today_vn(),
        policies: Default::default(),
        registry: registry.cloned(),
        calendar: Default::default(),
    };
    state
        .evaluator
        .evaluate(&req)
        .map(|_| ())
        .map_err(|e| HttpError::unprocessable(e.to_string()).with_object(ErrorObject::from(&e)))
}

#[derive(Debug, Deserialize)]
struct SourceQuery {
    filename: Option<String>,
}

async fn upload_plan_source(
    State(state): St,
    Path(plan_id): Path<String>,
    Query(q): Query<SourceQuery>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, HttpError> {
    let caller = authenticate(&state.db, &headers, "upload plan source").await?;
    caller.require(&[Role::Admin], "uploading a plan")?;
    check_plan_id(&plan_id)?;
    require_type(
        &headers,
        &[
            "text/plain",
            "text/markdown",
            "application/octet-stream",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/pdf",
        ],
    )?;
    let name = q.filename.unwrap_or_else(|| format!("{plan_id}.txt"));
    check_file_name(&name)?;
    let b = body(b)?;
    let options = tuanthu::ingest::ParseOptions::new(plan_id.clone());
    let outcome = tuanthu::ingest::read_plan_bytes(&b, Some(&name), &options)
        .map_err(|e| HttpError::bad_request(format!("{name}: {e}")))?;
    let plan = outcome.plan;
    if plan.obligations.is_empty() {
        return Err(HttpError::unprocessable(format!(
            "{name}: the plan reader found no obligations; nothing stored"
        ))
        .with_object(
            ErrorObject::new(
                ErrorKind::Input,
                "the plan reader found no obligations; nothing stored",
            )
            .in_file(name.clone()),
        ));
    }
    // The registry and events are the province's, not the text's: kept from the last revision.
    let previous = store::latest_revision(&state.db, &plan_id).await?;
    let (registry, events) = previous
        .map(|p| (p.registry, p.events))
        .unwrap_or((None, Vec::new()));
    check_evaluable(&state, &plan, registry.as_ref(), &events)?;
    let info = store::insert_revision(
        &state.db,
        &plan,
        registry.as_ref(),
        &events,
        Some(&name),
        &plan.warnings,
        &caller.name,
    )
    .await?;
    Ok(created(&info))
}

#[derive(Debug, Deserialize)]
struct RevisionQuery {
    revision: Option<i64>,
}

async fn get_plan(
    State(state): St,
    Path(plan_id): Path<String>,
    Query(q): Query<RevisionQuery>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    authenticate(&state.db, &headers, "read plan").await?;
    let rev = revision_or_latest(&state, &plan_id, q.revision).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::HeaderName::from_static("x-plan-revision"),
                HeaderValue::from(rev.info.revision),
            ),
        ],
        to_canonical_json(&rev.plan),
    )
        .into_response())
}

async fn list_revisions(
    State(state): St,
    Path(plan_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    authenticate(&state.db, &headers, "list revisions").await?;
    let list = store::revisions(&state.db, &plan_id).await?;
    if list.is_empty() {
        return Err(HttpError::not_found(format!("no plan '{plan_id}'")));
    }
    Ok(Json(list).into_response())
}

#[derive(Debug, Deserialize)]
struct DiffQuery {
    from: Option<i64>,
    to: Option<i64>,
}

/// How two revisions' obligations differ.
#[derive(Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct PlanDiff {
    pub plan_id: String,
    pub from: i64,
    pub to: i64,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<ChangedObligation>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ChangedObligation {
    pub id: String,
    /// Top-level fields of the obligation that differ (`schedule`, `lead`, `title`...).
    pub fields: Vec<String>,
}

async fn diff_revisions(
    State(state): St,
    Path(plan_id): Path<String>,
    Query(q): Query<DiffQuery>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    authenticate(&state.db, &headers, "diff revisions").await?;
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(HttpError::bad_request(
            "give both revisions to compare: ?from=N&to=M",
        ));
    };
    let a = revision_or_latest(&state, &plan_id, Some(from)).await?;
    let b = revision_or_latest(&state, &plan_id, Some(to)).await?;
    Ok(Json(diff(&plan_id, &a, &b)).into_response())
}

fn diff(plan_id: &str, a: &Revision, b: &Revision) -> PlanDiff {
    use std::collections::BTreeMap;
    let index = |p: &Plan| -> BTreeMap<String, serde_json::Value> {
        p.obligations
            .iter()
            .map(|o| {
                (
                    o.id.as_str().to_string(),
                    serde_json::to_value(o).unwrap_or_default(),
                )
            })
            .collect()
    };
    let (old, new) = (index(&a.plan), index(&b.plan));
    let mut d = PlanDiff {
        plan_id: plan_id.to_string(),
        from: a.info.revision,
        to: b.info.revision,
        added: new
            .keys()
            .filter(|k| !old.contains_key(*k))
            .cloned()
            .collect(),
        removed: old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect(),
        changed: Vec::new(),
    };
    for (id, o) in &old {
        let Some(n) = new.get(id) else { continue };
        if o == n {
            continue;
        }
        let empty = serde_json::Map::new();
        let (om, nm) = (
            o.as_object().unwrap_or(&empty),
            n.as_object().unwrap_or(&empty),
        );
        let mut fields: Vec<String> = om
            .keys()
            .chain(nm.keys())
            .filter(|k| om.get(*k) != nm.get(*k))
            .cloned()
            .collect();
        fields.sort();
        fields.dedup();
        d.changed.push(ChangedObligation {
            id: id.clone(),
            fields,
        });
    }
    d
}

// ---------- submissions ----------

/// Acknowledgement of stored submissions.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Accepted {
    pub plan_id: String,
    pub plan_revision: i64,
    pub ids: Vec<String>,
    /// Warnings and notes the engine had (errors refuse the submission).
    pub findings: Vec<Finding>,
}

/// Whether two names are one agency: the same registry agency (by name or alias, whatever the
/// case, accents' placement or abbreviations), or, for names it does not know, names that may
/// be one agency's. Names told apart only by diacritics ("xã Tân An", "xã Tân Ân") are two
/// agencies, and a name that could be either is neither: a token for one cannot file for the
/// other.
fn same_agency(registry: Option<&AgencyIndex>, a: &str, b: &str) -> bool {
    let resolve = |n: &str| registry.map_or(Ok(None), |r| r.resolve(n));
    match (resolve(a), resolve(b)) {
        (Ok(Some(x)), Ok(Some(y))) => x == y,
        (Ok(None), Ok(None)) => same_agency_name(a, b),
        _ => false,
    }
}

/// The engine's findings for one submission, as the form would show them, and whether the engine
/// counts it as the evidence of an instance of the plan (one check, not two).
fn check_submission(
    state: &AppState,
    rev: &CachedRevision,
    s: &Submission,
) -> Result<(Vec<Finding>, bool), HttpError> {
    let form = SubmissionForm::from(s);
    let cx = FormContext {
        as_of: crate::today_vn(),
        events: &rev.events,
        policies: &Default::default(),
        registry: rev.registry.as_ref(),
        calendar: &Default::default(),
    };
    // The submission's obligation alone (matching is per obligation); the whole plan when the
    // obligation is unknown, so the engine can say which ones exist.
    rev.check_form(&state.evaluator, s.obligation.as_str(), &form, &cx)
        .map_err(|e| HttpError::unprocessable(e.to_string()).with_object(ErrorObject::from(&e)))
}

/// Why the service refuses evidence the engine counts for no instance, in plain words, first
/// among the findings the form shows. The engine makes one instance per lead (responsible)
/// agency and period; a coordinating agency's report is noted by the engine but stands for none
/// of them, and the service stores only evidence that counts.
fn not_counted(k: usize, s: &Submission) -> Finding {
    let o = s.obligation.as_str();
    Finding {
        rule: "service.not_counted".into(),
        severity: Severity::Error,
        obligation: Some((&s.obligation).into()),
        agency: Some(s.agency.as_str().into()),
        period: None,
        stage: None,
        submission: Some(k),
        field: Some("agency".into()),
        message_vi: format!(
            "Báo cáo này không được tính cho nhiệm vụ {o}: kế hoạch giao nhiệm vụ cho cơ quan \
             chủ trì, và chỉ báo cáo của cơ quan chủ trì (đúng nhiệm vụ, đúng kỳ) mới được tính. \
             Cơ quan phối hợp không phải gửi báo cáo riêng. Báo cáo chưa được lưu."
        )
        .into(),
        message_en: format!(
            "This report does not count for obligation {o}: the plan tasks lead agencies, and \
             only a lead agency's report (for the right obligation and period) counts. \
             Coordinating agencies owe no report of their own. Nothing was stored."
        )
        .into(),
        rule_failed: false,
    }
}

/// Checks every submission (agency binding, then the engine); all or nothing.
fn check_all(
    state: &AppState,
    caller: &Caller,
    rev: &CachedRevision,
    subs: &[Submission],
) -> Result<Vec<Finding>, HttpError> {
    let mut kept = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    let mut refused_findings = Vec::new();
    for (k, s) in subs.iter().enumerate() {
        if caller.role == Role::Submitter {
            let own = caller.agency.as_deref().unwrap_or_default();
            if !same_agency(rev.agencies.as_ref(), own, &s.agency) {
                tracing::warn!(caller = %caller.name, agency = %s.agency, "denied: other agency");
                return Err(HttpError::forbidden(format!(
                    "submission {k}: token '{}' files for '{own}' only, not for '{}'; nothing stored",
                    caller.name, s.agency
                )));
            }
        }
        let (findings, counted) = check_submission(state, rev, s)?;
        let errors: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if errors.is_empty() && !counted {
            // No error, yet the evidence stands for no instance (an agency the plan does not
            // task, a coordinating agency, a period without a duty): refused, with the engine's
            // own words for why.
            let why: Vec<&str> = findings
                .iter()
                .filter(|f| {
                    matches!(
                        f.field.as_deref(),
                        Some("agency" | "obligation" | "stage" | "period" | "received")
                    )
                })
                .map(|f| f.message_en.as_str())
                .collect();
            refused.push(format!(
                "submission {k} ({} · {}): not counted for any instance of the plan{}",
                s.agency,
                s.obligation.as_str(),
                if why.is_empty() {
                    String::new()
                } else {
                    format!(": {}", why.join("; "))
                }
            ));
            refused_findings.push(not_counted(k, s));
            refused_findings.extend(findings.into_iter().map(|f| Finding {
                submission: Some(k),
                ..f
            }));
            continue;
        }
        if errors.is_empty() {
            kept.extend(findings.into_iter().map(|f| Finding {
                submission: Some(k),
                ..f
            }));
        } else {
            refused.push(format!(
                "submission {k} ({} · {}): {}",
                s.agency,
                s.obligation.as_str(),
                errors
                    .iter()
                    .map(|f| f.message_en.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            refused_findings.extend(
                findings
                    .into_iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| Finding {
                        submission: Some(k),
                        ..f
                    }),
            );
        }
    }
    if refused.is_empty() {
        Ok(kept)
    } else {
        Err(HttpError::unprocessable(format!(
            "{} of {} submissions would not be counted; nothing stored: {}",
            refused.len(),
            subs.len(),
            refused.join(" | ")
        ))
        .with_findings(refused_findings))
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, HttpError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| {
            HttpError::bad_request("Idempotency-Key must be 1–200 printable ASCII characters")
        })?;
    Ok(Some(key.to_string()))
}

async fn store_submissions(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    plan_id: &str,
    raw: &[u8],
    parse: impl FnOnce() -> Result<Vec<Submission>, HttpError>,
) -> Result<Response, HttpError> {
    let key = idempotency_key(headers)?;
    let request_hash = {
        let mut v = format!("{plan_id}\n{}\n", content_type(headers)).into_bytes();
        v.extend_from_slice(raw);
        sha256_hex(&v)
    };
    if let Some(key) = &key {
        if let Some(prev) = store::find_idempotent(&state.db, &caller.token_hash, key).await? {
            return replay(prev, &request_hash);
        }
    }
    let subs = parse()?;
    if subs.is_empty() {
        return Err(HttpError::bad_request(
            "no submissions in the request; nothing stored",
        ));
    }
    let rev = latest(state, plan_id).await?;
    let findings = check_all(state, caller, &rev, &subs)?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%6f").to_string();
    let rows: Vec<(String, Submission)> = subs
        .into_iter()
        .enumerate()
        .map(|(i, s)| (store::submission_id(&stamp, i), s))
        .collect();
    let accepted = Accepted {
        plan_id: plan_id.to_string(),
        plan_revision: rev.info.revision,
        ids: rows.iter().map(|(id, _)| id.clone()).collect(),
        findings,
    };
    let response = serde_json::to_string(&accepted)
        .map_err(|e| HttpError::internal(format!("serialise acknowledgement: {e}")))?;
    let new = NewSubmissions {
        plan_id: plan_id.to_string(),
        by: caller.name.clone(),
        rows,
        idempotency: key.map(|k| IdempotencyRecord {
            token_hash: caller.token_hash.clone(),
            key: k,
            request_hash: request_hash.clone(),
            status: 201,
            response: response.clone(),
        }),
    };
    if let Some(prev) = state.writer.submissions(new).await? {
        return replay(prev, &request_hash);
    }
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        response,
    )
        .into_response())
}

/// The stored response of an earlier request with the same key, or 409 if the request differs.
fn replay(prev: store::Idempotent, request_hash: &str) -> Result<Response, HttpError> {
    if prev.request_hash != request_hash {
        return Err(HttpError::conflict(
            "this Idempotency-Key was used for a different request; use a new key",
        ));
    }
    let status = StatusCode::from_u16(prev.status).unwrap_or(StatusCode::OK);
    Ok((
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::HeaderName::from_static("idempotent-replay"), "true"),
        ],
        prev.response,
    )
        .into_response())
}

async fn submit_one(
    State(state): St,
    Path(plan_id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, HttpError> {
    let caller = authenticate(&state.db, &headers, "submit").await?;
    caller.require(&[Role::Admin, Role::Submitter], "submitting")?;
    require_type(&headers, &["application/json"])?;
    let b = body(b)?;
    let text = utf8(&b, "body")?.to_string();
    store_submissions(&state, &caller, &headers, &plan_id, &b, || {
        let s: Submission = from_json_str("<submission>", &text).map_err(|e| input_error(&e))?;
        Ok(vec![s])
    })
    .await
}

async fn submit_batch(
    State(state): St,
    Path(plan_id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, HttpError> {
    let caller = authenticate(&state.db, &headers, "submit batch").await?;
    caller.require(&[Role::Admin, Role::Submitter], "submitting")?;
    let ct = require_type(&headers, &["text/csv", "application/json"])?;
    let b = body(b)?;
    let text = utf8(&b, "body")?.to_string();
    store_submissions(&state, &caller, &headers, &plan_id, &b, || {
        if ct == "text/csv" {
            submissions_from_csv("<batch.csv>", &text).map_err(|e| input_error(&e))
        } else {
            from_json_str::<Vec<Submission>>("<batch.json>", &text).map_err(|e| input_error(&e))
        }
    })
    .await
}

async fn list_submissions(
    State(state): St,
    Path(plan_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let caller = authenticate(&state.db, &headers, "list submissions").await?;
    let rev = latest(&state, &plan_id).await?;
    let mut list: Vec<StoredSubmission> = store::submissions(&state.db, &plan_id).await?;
    if caller.role == Role::Submitter {
        // A submitter sees what its agency filed.
        let own = caller.agency.as_deref().unwrap_or_default();
        list.retain(|s| same_agency(rev.agencies.as_ref(), own, &s.submission.agency));
    }
    Ok(Json(list).into_response())
}

// ---------- reports and audit ----------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    #[default]
    Json,
    Csv,
    Xlsx,
}

/// The query of a report request, as the audit records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportQuery {
    #[serde(default)]
    pub format: ReportFormat,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(flatten)]
    pub filter: Filter,
}

#[derive(Debug, Deserialize)]
struct ReportParams {
    as_of: Option<String>,
    revision: Option<i64>,
    format: Option<String>,
    lang: Option<String>,
    agency: Option<String>,
    status: Option<String>,
    obligation: Option<String>,
}

fn parse_query(p: &ReportParams) -> Result<ReportQuery, HttpError> {
    let format = match p.format.as_deref().unwrap_or("json") {
        "json" => ReportFormat::Json,
        "csv" => ReportFormat::Csv,
        "xlsx" => ReportFormat::Xlsx,
        other => {
            return Err(HttpError::bad_request(format!(
                "format '{other}': expected json, csv or xlsx"
            )))
        }
    };
    if let Some(l) = p.lang.as_deref() {
        if l != "vi" && l != "en" {
            return Err(HttpError::bad_request(format!(
                "lang '{l}': expected vi or en"
            )));
        }
    }
    let status = match p.status.as_deref() {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            HttpError::bad_request(format!(
                "status '{s}': expected done_on_time, done_late, in_progress, overdue, ongoing, \
                 not_triggered or unknown"
            ))
        })?),
    };
    Ok(ReportQuery {
        format,
        lang: p.lang.clone(),
        filter: Filter {
            agency: p.agency.clone(),
            status,
            obligation: p.obligation.clone(),
        },
    })
}

/// The engine's report for `req`.
fn evaluate(state: &AppState, req: &EvaluationRequest) -> Result<Report, HttpError> {
    state.evaluator.evaluate(req).map_err(eval_error)
}

fn eval_error(e: tuanthu::eval::EvalError) -> HttpError {
    HttpError::unprocessable(e.to_string()).with_object(ErrorObject::from(&e))
}

/// The report as `q`'s filters leave it: the report itself when there are none.
fn filtered<'a>(report: &'a Report, q: &ReportQuery) -> std::borrow::Cow<'a, Report> {
    if q.filter == Filter::default() {
        std::borrow::Cow::Borrowed(report)
    } else {
        std::borrow::Cow::Owned(export::filter(report.clone(), &q.filter))
    }
}

/// Filters and renders a report: the bytes and their content type. Pure: the same report and
/// query give the same bytes (the cache and the audit's re-run rely on it).
fn render(report: &Report, q: &ReportQuery) -> Result<(Vec<u8>, &'static str), HttpError> {
    let report = &*filtered(report, q);
    let lang = if q.lang.as_deref() == Some("en") {
        Lang::En
    } else {
        Lang::Vi
    };
    Ok(match q.format {
        ReportFormat::Json => (export::json(report), "application/json"),
        ReportFormat::Csv => (
            export::csv(report, lang)
                .map_err(|e| HttpError::internal(format!("render CSV: {e}")))?,
            "text/csv; charset=utf-8",
        ),
        ReportFormat::Xlsx => (
            export::xlsx(report, lang)
                .map_err(|e| HttpError::internal(format!("render .xlsx: {e}")))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    })
}

/// A report's lane: plan id, revision, as-of date and the query (JSON).
pub type ReportKey = (String, i64, chrono::NaiveDate, String);

/// The time a report request spent on the work it did itself (not waiting for others').
#[derive(Debug, Default)]
struct Work {
    evaluate: crate::latency::Stopwatch,
    render: Arc<crate::latency::Stopwatch>,
}

/// `key`'s report at version `want` of the plan's submissions or newer. First an evaluation of
/// that version or newer, in the (plan, revision, as-of) lane: one at a time, of the newest
/// submissions when it starts, shared by the queries of that key and by every request that
/// queued meanwhile. Then a rendering of the newest evaluation, in the query's lane, made from
/// the query's last rendering. The two lanes are apart so that the next version is evaluated
/// while this one renders: a request waits for the stage running when it came, not for both.
async fn report_at_least(
    state: &Arc<AppState>,
    rev: &Arc<CachedRevision>,
    key: &ReportKey,
    q: &ReportQuery,
    want: i64,
    work: &Work,
) -> Result<Arc<Rendered>, HttpError> {
    let (plan_id, as_of) = (&key.0, key.2);
    let lane = (plan_id.clone(), rev.info.revision, as_of);
    let evaluated = state
        .evaluations
        .get_at_least(&lane, want, || async {
            let t = std::time::Instant::now();
            let subs = store::snapshot(&state.db, plan_id).await?;
            let version = subs.version;
            let evaluated = evaluate_stored(state, rev, as_of, subs).await?;
            work.evaluate.add_since(t);
            Ok::<_, HttpError>((version, evaluated))
        })
        .await?;
    let (_, rendered) = state
        .reports
        .get_at_least(key, want, || async {
            // The newest evaluation when the rendering starts: it serves every request queued
            // for this lane meanwhile (all of them asked for `want` or older than it).
            let (version, evaluated) = match state.evaluations.newest(&lane) {
                Some(newer) if newer.0 > evaluated.0 => newer,
                _ => evaluated,
            };
            let rendered = render_evaluated(state, key, q, evaluated, &work.render).await?;
            Ok::<_, HttpError>((version, rendered))
        })
        .await?;
    Ok(rendered)
}

/// `evaluated`'s report rendered for `key`'s query, from the query's last rendering.
async fn render_evaluated(
    state: &Arc<AppState>,
    key: &ReportKey,
    q: &ReportQuery,
    evaluated: Arc<Evaluated>,
    own: &Arc<crate::latency::Stopwatch>,
) -> Result<Arc<Rendered>, HttpError> {
    // One rendering of this key at a time (the lane): the lock is free.
    let last = state.renderings.get(key, || std::sync::Mutex::new(None));
    let (q, own) = (q.clone(), own.clone());
    blocking(move || {
        let t = std::time::Instant::now();
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        let (e, content_type) =
            render_encoded(&evaluated.report, &q, &mut last, Some(&evaluated.since))?;
        own.add_since(t);
        Ok(Arc::new(Rendered {
            evaluated,
            gzip: Bytes::from(e.gzip),
            bytes: e.bytes,
            content_type,
            hash: e.sha256,
        }))
    })
    .await
}

/// A plan's report as evaluated from its stored submissions, and the hash of the request.
#[derive(Debug)]
pub struct Evaluated {
    report: Arc<Report>,
    /// The request, by reference (its hash names it).
    request: store::RequestRef,
    /// Which elements its session took unchanged from the report it evaluated before.
    since: crate::reuse::Since,
}

/// A report rendered for one query: bytes served as they are, their sha256, and the same bytes
/// gzipped for clients that accept it (compressed once, when rendered).
#[derive(Debug)]
pub struct Rendered {
    /// The evaluation these bytes are of (the audit records its request).
    evaluated: Arc<Evaluated>,
    bytes: Bytes,
    gzip: Bytes,
    content_type: &'static str,
    hash: String,
}

/// [`render`], with the bytes' sha256 and gzip. A JSON report (a province's is 15–22 MB) is
/// written from `last`, the last JSON rendering of the same query, where it has not changed
/// ([`crate::reuse`]: equal elements as the bytes they had, unchanged runs of them as the gzip
/// segments they had), and `last` becomes this one; the bytes are [`render`]'s (tested below).
fn render_encoded(
    report: &Arc<Report>,
    q: &ReportQuery,
    last: &mut Option<crate::reuse::Rendering>,
    since: Option<&crate::reuse::Since>,
) -> Result<(crate::encode::Encoded, &'static str), HttpError> {
    let fail = |err: std::io::Error| HttpError::internal(format!("encode the report: {err}"));
    if q.format != ReportFormat::Json {
        let (bytes, content_type) = render(report, q)?;
        return Ok((crate::encode::bytes(bytes).map_err(fail)?, content_type));
    }
    let report = match filtered(report, q) {
        std::borrow::Cow::Borrowed(_) => report.clone(),
        std::borrow::Cow::Owned(r) => Arc::new(r),
    };
    // A filtered report is another one: `since` (about the evaluation's) does not apply to it.
    let (encoded, rendering, reused) =
        crate::reuse::report_json_since(report, last.as_ref(), since).map_err(fail)?;
    tracing::debug!(
        elements = reused.elements,
        of_elements = reused.of_elements,
        gzip_runs = reused.groups,
        of_gzip_runs = reused.of_groups,
        hash_resumed = reused.hash_resumed,
        "report rendered, reusing the last rendering's bytes"
    );
    *last = Some(rendering);
    Ok((encoded, "application/json"))
}

/// Whether the client accepts gzip (`Accept-Encoding: gzip`, not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// Runs CPU-bound work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, HttpError> + Send + 'static,
) -> Result<T, HttpError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| HttpError::internal(format!("evaluation task failed: {e}")))?
}

/// Evaluates the stored submissions of `rev`'s plan as of `as_of` (the request kept from the
/// last report of the same key, brought up to `subs`); the request is stored by reference
/// with the audit record that names it.
async fn evaluate_stored(
    state: &Arc<AppState>,
    rev: &Arc<CachedRevision>,
    as_of: chrono::NaiveDate,
    subs: Arc<store::Snapshot>,
) -> Result<Arc<Evaluated>, HttpError> {
    let key = (rev.info.plan_id.clone(), rev.info.revision, as_of);
    let inputs = state.requests.get(&key, || {
        std::sync::Mutex::new(RequestInputs::new(rev.clone(), as_of))
    });
    let st = state.clone();
    let (plan_id, revision) = (key.0.clone(), key.1);
    blocking(move || {
        // One evaluation per key at a time (the `evaluations` lanes): no wait here.
        let mut inputs = inputs.lock().unwrap_or_else(|e| e.into_inner());
        inputs.sync(&subs);
        let (report, since) = inputs.evaluate_shared(&st.evaluator).map_err(eval_error)?;
        if let Some(r) = inputs.last_reuse() {
            tracing::debug!(
                plan = %plan_id,
                revision,
                %as_of,
                blocks = r.blocks,
                reused_blocks = r.reused_blocks,
                units = r.units,
                reused_units = r.reused_units,
                offered_instances = r.offered_instances,
                "report evaluated in its session"
            );
        }
        let request = store::RequestRef {
            hash: inputs.hash(),
            plan_id,
            revision,
            as_of,
            version: subs.version,
            submissions: i64::try_from(subs.list.len()).unwrap_or(i64::MAX),
        };
        Ok(Arc::new(Evaluated {
            report,
            request,
            since,
        }))
    })
    .await
}

fn file_response(
    bytes: Bytes,
    content_type: &'static str,
    audit_id: &str,
    result_hash: &str,
    name: &str,
    q: &ReportQuery,
) -> Response {
    let ext = match q.format {
        ReportFormat::Json => "json",
        ReportFormat::Csv => "csv",
        ReportFormat::Xlsx => "xlsx",
    };
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(audit_id) {
        h.insert("x-audit-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(result_hash) {
        h.insert("x-result-sha256", v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

async fn report(
    State(state): St,
    Path(plan_id): Path<String>,
    Query(p): Query<ReportParams>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let start = std::time::Instant::now();
    let caller = authenticate(&state.db, &headers, "report").await?;
    caller.require(&[Role::Admin, Role::Viewer], "reading reports")?;
    let q = parse_query(&p)?;
    let as_of = match p.as_of.as_deref() {
        None => crate::today_vn(),
        Some(s) => tuanthu::model::parse_date(s).map_err(|e| {
            HttpError::bad_request(format!("as_of '{s}': {e} (expected yyyy-mm-dd)"))
        })?,
    };
    let rev = revision_or_latest(&state, &plan_id, p.revision).await?;
    // The version of the plan's submissions (raised in the transaction that stores new ones):
    // a request after an acknowledged submission is answered from that version or a newer one.
    // One rendering per (plan, revision, as-of, query) at a time, of the newest submissions when
    // it starts: the requests that wait meanwhile share the next one, and no version is rendered
    // that nobody waits for.
    let want = store::plan_version(&state.db, &plan_id).await?;
    let query = serde_json::to_value(&q).unwrap_or_default();
    let key: ReportKey = (plan_id.clone(), rev.info.revision, as_of, query.to_string());
    let mut split = crate::latency::Split {
        prepare: start.elapsed(),
        ..Default::default()
    };
    let (at, work) = (std::time::Instant::now(), Work::default());
    let rendered = report_at_least(&state, &rev, &key, &q, want, &work).await?;
    split.evaluate = work.evaluate.get();
    split.render = work.render.get();
    split.lane_wait = at
        .elapsed()
        .saturating_sub(split.evaluate)
        .saturating_sub(split.render);
    let evaluated = &rendered.evaluated;
    let record = AuditRecord {
        id: format!("a{}", uuid::Uuid::new_v4().simple()),
        created_at: crate::now(),
        actor: caller.name.clone(),
        plan_id: plan_id.clone(),
        plan_revision: rev.info.revision,
        plan_hash: rev.info.plan_hash.clone(),
        pack_name: state.evaluator.pack().name().to_string(),
        pack_version: state.evaluator.pack().version().to_string(),
        pack_hash: state.pack_hash.clone(),
        as_of: as_of.to_string(),
        query,
        request_hash: evaluated.request.hash.clone(),
        result_hash: rendered.hash.clone(),
    };
    let id = record.id.clone();
    let at = std::time::Instant::now();
    state
        .writer
        .audit(record, Some(evaluated.request.clone()))
        .await?;
    split.audit = at.elapsed();
    let gzipped = accepts_gzip(&headers);
    let body = if gzipped {
        rendered.gzip.clone()
    } else {
        rendered.bytes.clone()
    };
    let mut resp = file_response(
        crate::latency::timed_body(body, start, split),
        rendered.content_type,
        &id,
        &rendered.hash,
        &format!("{plan_id}-{as_of}"),
        &q,
    );
    // The audit's result hash (and X-Result-Sha256) is of the report's bytes; gzip is only how
    // they travel.
    let h = resp.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzipped {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(resp)
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    plan: Option<String>,
}

async fn audit_list(
    State(state): St,
    Query(q): Query<AuditQuery>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let caller = authenticate(&state.db, &headers, "audit").await?;
    caller.require(&[Role::Admin, Role::Viewer], "reading the audit trail")?;
    Ok(Json(store::audit_list(&state.db, q.plan.as_deref()).await?).into_response())
}

async fn audit_rerun(
    State(state): St,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let caller = authenticate(&state.db, &headers, "audit rerun").await?;
    caller.require(&[Role::Admin, Role::Viewer], "re-running an evaluation")?;
    let (record, stored) = store::audit_get(&state.db, &id)
        .await?
        .ok_or_else(|| HttpError::not_found(format!("no audit record '{id}'")))?;
    if record.pack_hash != state.pack_hash {
        return Err(HttpError::conflict(format!(
            "record {id} was evaluated with rule pack {} (sha256 {}); this service runs {}",
            record.pack_name, record.pack_hash, state.pack_hash
        )));
    }
    let req = match stored {
        store::StoredRequest::Json(json) => {
            from_json_str("<audit request>", &json).map_err(|e| input_error(&e))?
        }
        store::StoredRequest::Ref(r) => rebuild_request(&state, &id, &r).await?,
        store::StoredRequest::Missing => {
            return Err(HttpError::conflict(format!(
                "record {id}: its evaluation request (sha256 {}) is not stored; it cannot be \
                 re-run",
                record.request_hash
            )))
        }
    };
    let q: ReportQuery = serde_json::from_value(record.query.clone())
        .map_err(|e| HttpError::internal(format!("stored audit query: {e}")))?;
    let (st, q2) = (state.clone(), q.clone());
    let (bytes, ct) = blocking(move || render(&evaluate(&st, &req)?, &q2)).await?;
    let hash = sha256_hex(&bytes);
    if hash != record.result_hash {
        tracing::error!(id = %id, "re-run differs from the recorded result");
    }
    Ok(file_response(
        Bytes::from(bytes),
        ct,
        &record.id,
        &hash,
        &format!("{}-{}", record.plan_id, record.as_of),
        &q,
    ))
}

/// The request an audit record stored by reference: the plan revision, the as-of day and the
/// plan's stored submissions up to the recorded version, refused unless it is the recorded
/// request (the same number of submissions and the same sha256 of its canonical JSON).
async fn rebuild_request(
    state: &Arc<AppState>,
    id: &str,
    r: &store::RequestRef,
) -> Result<EvaluationRequest, HttpError> {
    let rev = cached_revision(state, &r.plan_id, r.revision).await?;
    let submissions = store::submissions_up_to(&state.db, &r.plan_id, r.version).await?;
    let req = crate::inputs::service_request(&rev, r.as_of, submissions);
    let (req, hash) = blocking(move || {
        let hash = request_hash(&req);
        Ok((req, hash))
    })
    .await?;
    let n = req.submissions.len();
    if hash != r.hash || i64::try_from(n).ok() != Some(r.submissions) {
        tracing::error!(id = %id, "stored submissions no longer make the recorded request");
        return Err(HttpError::conflict(format!(
            "record {id}: plan '{}' revision {} with its stored submissions up to version {} \
             ({n} of them; {} recorded) does not make the recorded request (sha256 {}, now {hash}); \
             it cannot be re-run",
            r.plan_id, r.revision, r.version, r.submissions, r.hash
        )));
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Communes whose names differ only by diacritics: a token for one files for it alone.
    #[test]
    fn a_token_for_one_of_two_diacritic_twins_is_not_the_others() {
        let agency = |name: &str| tuanthu::model::RegisteredAgency {
            name: name.into(),
            aliases: vec![],
            groups: None,
        };
        let registry = AgencyRegistry {
            agencies: vec![agency("UBND xã Tân An"), agency("UBND xã Tân Ân")],
        };
        let registry = tuanthu::model::AgencyIndex::new(&registry);
        for r in [Some(&registry), None] {
            assert!(!same_agency(r, "UBND xã Tân An", "UBND xã Tân Ân"));
            assert!(same_agency(
                r,
                "UBND xã Tân Ân",
                "Ủy ban nhân dân xã Tân Ân"
            ));
        }
        // Typed without diacritics it could be either: with the registry it is neither.
        assert!(!same_agency(
            Some(&registry),
            "UBND xã Tân An",
            "UBND xa Tan An"
        ));
        assert!(!same_agency(
            Some(&registry),
            "UBND xa Tan An",
            "UBND xa Tan An"
        ));
        assert!(same_agency(None, "Sở Tư pháp", "SỞ TƯ PHÁP"));
    }

    #[test]
    fn file_names_with_paths_are_refused() {
        for bad in [
            "../etc/passwd",
            "a/b.docx",
            "a\\b.docx",
            ".hidden",
            "x\0.txt",
            "..",
            "",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_file_name("Kế hoạch 144.docx").is_ok());
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert!(accepts_gzip(&h("gzip, deflate, br")));
        assert!(accepts_gzip(&h("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&h("*")));
        assert!(!accepts_gzip(&h("gzip;q=0")));
        assert!(!accepts_gzip(&h("identity")));
        assert!(!accepts_gzip(&h("x-gzip-not")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn encoded_reports_are_the_rendered_bytes() {
        use std::io::Read;
        let req = tuanthu::unstable::synth::province(
            5,
            tuanthu::unstable::synth::Shape {
                agencies: 30,
                obligations: 4,
                years: 1,
                evidence_percent: 60,
            },
        );
        let report = tuanthu::eval::Evaluator::standard()
            .unwrap()
            .evaluate(&req)
            .unwrap();
        let agency = report.assessments[0].agency.to_string();
        let queries = [
            ReportQuery::default(),
            ReportQuery {
                filter: Filter {
                    agency: Some(agency),
                    ..Filter::default()
                },
                ..ReportQuery::default()
            },
            ReportQuery {
                format: ReportFormat::Csv,
                lang: Some("en".into()),
                ..ReportQuery::default()
            },
        ];
        for q in &queries {
            let (want, want_type) = render(&report, q).unwrap();
            let (e, content_type) =
                render_encoded(&Arc::new(report.clone()), q, &mut None, None).unwrap();
            assert_eq!(content_type, want_type, "{q:?}");
            assert!(e.bytes == want, "{q:?}: the bytes differ from render's");
            assert_eq!(e.sha256, sha256_hex(&want), "{q:?}");
            let mut inflated = Vec::new();
            flate2::read::GzDecoder::new(&e.gzip[..])
                .read_to_end(&mut inflated)
                .unwrap();
            assert!(inflated == want, "{q:?}: the gzip inflates to other bytes");
        }
    }

    #[test]
    fn plan_ids_are_url_safe() {
        assert!(check_plan_id("vinh-long-144_KH.2026").is_ok());
        for bad in ["", "../x", "a b", ".x", "a/b"] {
            assert!(check_plan_id(bad).is_err(), "{bad:?}");
        }
    }
}
