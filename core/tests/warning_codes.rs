//! The warning table in docs/ingest.md is the enum's table: same codes, same order, same
//! severities and meanings. Regenerate with `TUANTHU_UPDATE_DOCS=1 cargo test -p tuanthu --test
//! warning_codes`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use tuanthu::model::WarningCode;

const BEGIN: &str =
    "<!-- warning-codes:begin (generated from WarningCode; see core/tests/warning_codes.rs) -->\n";
const END: &str = "<!-- warning-codes:end -->";

fn table() -> String {
    let mut t = String::from("| code | severity | meaning |\n|---|---|---|\n");
    for c in WarningCode::ALL {
        t.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.as_str(),
            c.severity().as_str(),
            c.description()
        ));
    }
    t
}

#[test]
fn docs_table_lists_every_code_with_its_severity() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/ingest.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let start = doc.find(BEGIN).map(|p| p + BEGIN.len());
    let end = doc.find(END);
    let (Some(start), Some(end)) = (start, end) else {
        panic!("docs/ingest.md has no generated warning table between the markers");
    };
    let want = table();
    if std::env::var_os("TUANTHU_UPDATE_DOCS").is_some() {
        let new = format!("{}{}{}", &doc[..start], want, &doc[end..]);
        std::fs::write(path, new).unwrap_or_default();
        return;
    }
    let have = &doc[start..end];
    // Row by row, so a failure names the code that drifted.
    for (h, w) in have.lines().zip(want.lines()) {
        assert_eq!(
            h, w,
            "docs/ingest.md warning table differs from WarningCode"
        );
    }
    assert_eq!(
        have, want,
        "docs/ingest.md warning table has missing or extra rows"
    );
}

#[test]
fn every_table_row_parses_back_to_its_code() {
    for line in table().lines().skip(2) {
        let code = line.split('`').nth(1).unwrap_or("");
        let c = WarningCode::parse(code);
        assert!(c.is_some(), "{line}");
        let sev = line.split('|').nth(2).map(str::trim).unwrap_or("");
        assert_eq!(c.map(|c| c.severity().as_str()), Some(sev));
    }
}
