//! Submissions CSV (the CLI's and the bindings' reader) on arbitrary bytes: rows or an
//! `InputError` naming the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match tuanthu::input::submissions_from_csv("fuzz.csv", &text) {
        Ok(rows) => {
            // Every row read is kept: a CSV never yields more rows than it has lines.
            assert!(rows.len() <= text.lines().count());
        }
        Err(e) => assert_eq!(e.source_name, "fuzz.csv"),
    }
});
