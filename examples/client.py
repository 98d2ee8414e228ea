#!/usr/bin/env python3
"""A typed client of `tuanthu serve` using only the standard library (urllib).

    python3 examples/client.py --url http://127.0.0.1:8080 --token TOKEN [--plan ID] [--as-of 2026-11-23]

Lists the plans, files a submission when the token may (and `--submit AGENCY,OBLIGATION,DATE,NUMBER`
is given), fetches a report as JSON and prints its counts, and saves the .xlsx. Errors are the
service's contract error object: kind, file, line, field, message (and findings for refused
submissions).
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field as dc_field
from typing import Any, Optional


@dataclass
class ServiceError(Exception):
    status: int
    kind: str
    message: str
    field: Optional[str] = None
    line: Optional[int] = None
    findings: list[dict[str, Any]] = dc_field(default_factory=list)

    def __str__(self) -> str:
        where = f" (field {self.field})" if self.field else ""
        return f"HTTP {self.status} {self.kind}{where}: {self.message}"


@dataclass
class RevisionInfo:
    plan_id: str
    revision: int
    plan_hash: str
    title: str
    obligations: int
    warnings: list[dict[str, Any]]


@dataclass
class Accepted:
    plan_id: str
    plan_revision: int
    ids: list[str]
    findings: list[dict[str, Any]]


@dataclass
class Report:
    """The contract's report (tuanthu::model::Report), with the audit id it was recorded under."""

    plan: str
    as_of: str
    rule_pack: str
    assessments: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    summary: dict[str, Any]
    audit_id: str


class Client:
    def __init__(self, url: str, token: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, body: bytes | None = None,
              content_type: str | None = None, headers: dict[str, str] | None = None):
        req = urllib.request.Request(self.url + path, data=body, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if content_type:
            req.add_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                err = json.loads(raw)
            except ValueError:
                err = {"kind": "usage", "message": raw.decode("utf-8", "replace")}
            raise ServiceError(e.code, err.get("kind", "?"), err.get("message", ""),
                               err.get("field"), err.get("line"), err.get("findings", [])) from None

    def plans(self) -> list[RevisionInfo]:
        body, _ = self._call("GET", "/v1/plans")
        return [RevisionInfo(p["plan_id"], p["revision"], p["plan_hash"], p["title"],
                             p["obligations"], p["warnings"]) for p in json.loads(body)]

    def submit(self, plan_id: str, submission: dict[str, Any],
               idempotency_key: str | None = None) -> Accepted:
        """Files one submission; the key makes a retry (after a timeout) safe."""
        key = idempotency_key or str(uuid.uuid4())
        body, _ = self._call("POST", f"/v1/plans/{urllib.parse.quote(plan_id)}/submissions",
                             json.dumps(submission).encode(), "application/json",
                             {"Idempotency-Key": key})
        a = json.loads(body)
        return Accepted(a["plan_id"], a["plan_revision"], a["ids"], a["findings"])

    def report(self, plan_id: str, as_of: str, **filters: str) -> Report:
        q = urllib.parse.urlencode({"as_of": as_of, "format": "json", **filters})
        body, headers = self._call("GET", f"/v1/plans/{urllib.parse.quote(plan_id)}/report?{q}")
        r = json.loads(body)
        audit = {k.lower(): v for k, v in headers.items()}.get("x-audit-id", "")
        return Report(r["plan"], r["as_of"], r["rule_pack"], r["assessments"], r["findings"],
                      r["summary"], audit)

    def report_file(self, plan_id: str, as_of: str, fmt: str) -> bytes:
        q = urllib.parse.urlencode({"as_of": as_of, "format": fmt})
        body, _ = self._call("GET", f"/v1/plans/{urllib.parse.quote(plan_id)}/report?{q}")
        return body


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--token", required=True)
    ap.add_argument("--plan")
    ap.add_argument("--as-of", default="2026-11-23")
    ap.add_argument("--submit", help="AGENCY,OBLIGATION,YYYY-MM-DD,DOCUMENT_NUMBER")
    ap.add_argument("--xlsx", help="save the report's .xlsx here")
    args = ap.parse_args()
    c = Client(args.url, args.token)
    try:
        plans = c.plans()
        for p in plans:
            print(f"{p.plan_id} r{p.revision}: {p.title[:60]} ({p.obligations} obligations)")
        if not plans:
            return 0
        plan = args.plan or plans[0].plan_id
        if args.submit:
            agency, obligation, received, number = args.submit.split(",", 3)
            a = c.submit(plan, {"agency": agency, "obligation": obligation,
                                "received": received, "document_number": number})
            print(f"stored {a.ids[0]} ({len(a.findings)} notes)")
        r = c.report(plan, args.as_of)
        t = r.summary["total"]
        print(f"{r.plan} as of {r.as_of} ({r.rule_pack}): {t['total']} instances, "
              f"{t['overdue']} overdue, {t['done_on_time']} on time; audit {r.audit_id}")
        if args.xlsx:
            with open(args.xlsx, "wb") as f:
                f.write(c.report_file(plan, args.as_of, "xlsx"))
    except ServiceError as e:
        print(f"error: {e}", file=sys.stderr)
        for f in e.findings:
            print(f"  {f.get('field')}: {f.get('message_vi')}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
