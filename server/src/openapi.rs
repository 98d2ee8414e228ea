//! The OpenAPI 3.1 document served at `/openapi.json` and checked in as `server/openapi.json`
//! (a test fails when they drift, and another requests every path it lists). Schemas come from
//! the types themselves: the core contract's and the service's (JSON Schema 2020-12).

use schemars::generate::SchemaSettings;
use serde_json::{json, Value};
use tuanthu::api::{to_canonical_json, ErrorObject};
use tuanthu::model::{Plan, Report, Submission};

use crate::auth::{CreatedToken, NewToken};
use crate::routes::{Accepted, PlanDiff, PlanUpload, WhoAmI};
use crate::store::{AuditRecord, RevisionInfo, StoredSubmission};

/// The document, canonical JSON.
pub fn document() -> String {
    to_canonical_json(&build())
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn json_content(schema: Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

fn error_responses(codes: &[&str]) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    for c in codes {
        let what = match *c {
            "400" => "Malformed request (JSON, CSV, query, file name)",
            "401" => "No token, or an unknown one",
            "403" => "The token's role or agency does not allow this",
            "404" => "No such plan, revision or record",
            "409" => "Idempotency-Key reused for another request, or the rule pack changed",
            "413" => "Body larger than the service accepts",
            "415" => "Content-Type not accepted here",
            "422" => "Well formed but the engine would not count it; findings say why",
            _ => "Error",
        };
        m.insert(
            (*c).to_string(),
            json!({"description": what, "content": json_content(r("ErrorObject"))}),
        );
    }
    m
}

struct Op {
    summary: &'static str,
    roles: &'static str,
    params: Vec<Value>,
    body: Option<Value>,
    ok: (&'static str, Value),
    errors: &'static [&'static str],
}

impl Op {
    fn to_value(&self) -> Value {
        let mut responses = error_responses(self.errors);
        responses.insert(self.ok.0.to_string(), self.ok.1.clone());
        let mut v = json!({
            "summary": self.summary,
            "description": format!("Roles: {}.", self.roles),
            "parameters": self.params,
            "responses": responses,
        });
        if self.roles == "public" {
            v["security"] = json!([]);
        }
        if let Some(b) = &self.body {
            v["requestBody"] = json!({"required": true, "content": b});
        }
        v
    }
}

fn path_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn query(name: &str, schema: Value, what: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": what})
}

fn idem() -> Value {
    json!({"name": "Idempotency-Key", "in": "header", "required": false,
           "schema": {"type": "string", "maxLength": 200},
           "description": "A retry with the same key and body returns the first response and stores nothing new"})
}

fn ok(what: &str, content: Value) -> Value {
    json!({"description": what, "content": content})
}

fn build() -> Value {
    let mut gen = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    macro_rules! schemas {
        ($($t:ty),*) => {{ $( let _ = gen.subschema_for::<$t>(); )* }};
    }
    schemas!(
        Plan,
        PlanUpload,
        Report,
        Submission,
        Vec<Submission>,
        ErrorObject,
        RevisionInfo,
        StoredSubmission,
        AuditRecord,
        Accepted,
        PlanDiff,
        NewToken,
        CreatedToken,
        WhoAmI,
        tuanthu::model::AgencyRegistry
    );
    let schemas = gen.take_definitions(true);
    let plan = path_param("plan_id");
    let report_formats = json!({
        "application/json": {"schema": r("Report")},
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
            {"schema": {"type": "string", "format": "binary"}}
    });
    let array = |name: &str| json_content(json!({"type": "array", "items": r(name)}));
    let paths: Vec<(&str, &str, Op)> = vec![
        ("/healthz", "get", Op {
            summary: "Liveness", roles: "public", params: vec![], body: None,
            ok: ("200", ok("ok", json!({"text/plain": {"schema": {"type": "string"}}}))),
            errors: &[],
        }),
        ("/openapi.json", "get", Op {
            summary: "This document", roles: "public", params: vec![], body: None,
            ok: ("200", ok("OpenAPI 3.1", json_content(json!({"type": "object"})))),
            errors: &[],
        }),
        ("/", "get", Op {
            summary: "Dashboard page (agency × obligation matrix)", roles: "public", params: vec![], body: None,
            ok: ("200", ok("HTML", json!({"text/html": {"schema": {"type": "string"}}}))),
            errors: &[],
        }),
        ("/form", "get", Op {
            summary: "Report-submission form page", roles: "public", params: vec![], body: None,
            ok: ("200", ok("HTML", json!({"text/html": {"schema": {"type": "string"}}}))),
            errors: &[],
        }),
        ("/v1/whoami", "get", Op {
            summary: "The token's name, role and agency", roles: "any", params: vec![], body: None,
            ok: ("200", ok("the caller", json_content(r("WhoAmI")))),
            errors: &["401"],
        }),
        ("/v1/plans/{plan_id}/registry", "get", Op {
            summary: "The agency registry stored with a plan revision (null when none)", roles: "any",
            params: vec![plan.clone(), query("revision", json!({"type": "integer"}), "revision number")],
            body: None,
            ok: ("200", ok("the registry", json_content(json!({"oneOf": [r("AgencyRegistry"), {"type": "null"}]})))),
            errors: &["401", "404"],
        }),
        ("/v1/tokens", "post", Op {
            summary: "Create a token (the secret is shown once; only its sha256 is stored)",
            roles: "admin", params: vec![], body: Some(json_content(r("NewToken"))),
            ok: ("201", ok("created", json_content(r("CreatedToken")))),
            errors: &["400", "401", "403", "413", "415"],
        }),
        ("/v1/plans", "get", Op {
            summary: "Every plan's newest revision", roles: "any", params: vec![], body: None,
            ok: ("200", ok("plans", array("RevisionInfo"))),
            errors: &["401"],
        }),
        ("/v1/plans", "post", Op {
            summary: "Upload a plan as JSON (a bare plan, or plan + registry + events): a new revision",
            roles: "admin", params: vec![],
            body: Some(json_content(json!({"oneOf": [r("Plan"), r("PlanUpload")]}))),
            ok: ("201", ok("stored revision", json_content(r("RevisionInfo")))),
            errors: &["400", "401", "403", "413", "415", "422"],
        }),
        ("/v1/plans/{plan_id}", "get", Op {
            summary: "A plan revision (the newest unless `revision`)", roles: "any",
            params: vec![plan.clone(), query("revision", json!({"type": "integer"}), "revision number")],
            body: None,
            ok: ("200", ok("the plan", json_content(r("Plan")))),
            errors: &["401", "404"],
        }),
        ("/v1/plans/{plan_id}/source", "post", Op {
            summary: "Upload a plan as issued (text, Markdown, .docx, PDF) through the plan reader; warnings returned",
            roles: "admin",
            params: vec![plan.clone(), query("filename", json!({"type": "string"}), "the file's name (a label; no directories)")],
            body: Some(json!({
                "text/plain": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"schema": {"type": "string", "format": "binary"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            })),
            ok: ("201", ok("stored revision with the reader's warnings", json_content(r("RevisionInfo")))),
            errors: &["400", "401", "403", "413", "415", "422"],
        }),
        ("/v1/plans/{plan_id}/revisions", "get", Op {
            summary: "Every revision of a plan", roles: "any", params: vec![plan.clone()], body: None,
            ok: ("200", ok("revisions", array("RevisionInfo"))),
            errors: &["401", "404"],
        }),
        ("/v1/plans/{plan_id}/diff", "get", Op {
            summary: "Obligations added, removed and changed between two revisions", roles: "any",
            params: vec![plan.clone(),
                json!({"name": "from", "in": "query", "required": true, "schema": {"type": "integer"}}),
                json!({"name": "to", "in": "query", "required": true, "schema": {"type": "integer"}})],
            body: None,
            ok: ("200", ok("diff", json_content(r("PlanDiff")))),
            errors: &["400", "401", "404"],
        }),
        ("/v1/plans/{plan_id}/submissions", "get", Op {
            summary: "Stored submissions in arrival order (a submitter sees its agency's)",
            roles: "any", params: vec![plan.clone()], body: None,
            ok: ("200", ok("submissions", array("StoredSubmission"))),
            errors: &["401", "404"],
        }),
        ("/v1/plans/{plan_id}/submissions", "post", Op {
            summary: "File one submission; refused (422, with the form's findings) if the engine would not count it",
            roles: "admin, submitter (own agency only)", params: vec![plan.clone(), idem()],
            body: Some(json_content(r("Submission"))),
            ok: ("201", ok("stored", json_content(r("Accepted")))),
            errors: &["400", "401", "403", "404", "409", "413", "415", "422"],
        }),
        ("/v1/plans/{plan_id}/submissions/batch", "post", Op {
            summary: "File a batch (CSV with the contract's columns, or a JSON array): all or nothing",
            roles: "admin, submitter (own agency only)", params: vec![plan.clone(), idem()],
            body: Some(json!({
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": r("Submission")}}
            })),
            ok: ("201", ok("stored", json_content(r("Accepted")))),
            errors: &["400", "401", "403", "404", "409", "413", "415", "422"],
        }),
        ("/v1/plans/{plan_id}/report", "get", Op {
            summary: "The plan's report as of a date (JSON contract, CSV with BOM, .xlsx); recorded in the audit trail",
            roles: "admin, viewer",
            params: vec![plan.clone(),
                query("as_of", json!({"type": "string", "format": "date"}), "yyyy-mm-dd (default: today in Việt Nam)"),
                query("format", json!({"type": "string", "enum": ["json", "csv", "xlsx"]}), "default json"),
                query("lang", json!({"type": "string", "enum": ["vi", "en"]}), "CSV/.xlsx language, default vi"),
                query("revision", json!({"type": "integer"}), "plan revision (default newest)"),
                query("agency", json!({"type": "string"}), "only this agency"),
                query("status", json!({"type": "string"}), "only this status"),
                query("obligation", json!({"type": "string"}), "only this obligation id")],
            body: None,
            ok: ("200", ok("the report; headers X-Audit-Id and X-Result-Sha256", report_formats.clone())),
            errors: &["400", "401", "403", "404", "422"],
        }),
        ("/v1/audit", "get", Op {
            summary: "Audit records of evaluations, newest first", roles: "admin, viewer",
            params: vec![query("plan", json!({"type": "string"}), "only this plan")], body: None,
            ok: ("200", ok("records", array("AuditRecord"))),
            errors: &["401", "403"],
        }),
        ("/v1/audit/{id}/rerun", "get", Op {
            summary: "Re-run a recorded evaluation: the same bytes as first served", roles: "admin, viewer",
            params: vec![path_param("id")], body: None,
            ok: ("200", ok("the report, byte-identical", report_formats)),
            errors: &["401", "403", "404", "409"],
        }),
    ];
    let mut p = serde_json::Map::new();
    for (path, method, op) in &paths {
        let entry = p.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op.to_value();
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "tuanthu compliance service",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Plans, submissions, reports and the audit trail of the tuanthu compliance engine. Errors are the contract's ErrorObject (kind, file, line, field, message), with `findings` when the engine refused a submission."
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "security": [{"bearer": []}],
        "paths": p,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas
        }
    })
}

/// Every (method, path) of the document, for the test that requests each one.
pub fn operations() -> Vec<(String, String)> {
    let doc = build();
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            if let Some(ops) = ops.as_object() {
                for method in ops.keys() {
                    out.push((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    out
}
