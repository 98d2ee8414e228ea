//! The obligations table: a plan's obligations given as columns, one row per obligation with a
//! single dated deadline (`id, title, lead, deadline, bound`, optionally `schedule`). Every way
//! such rows arrive (CSV text, an Arrow table from Python, later a JavaScript array) reads them
//! through here, with the cell rules and messages of the submissions table ([`super::table`]):
//! a bad cell names its column, the caller adds the row.
//!
//! What a row means, with nothing filled in that the row does not say:
//! - `id`, `title`: the obligation's id and title (text, required).
//! - `lead`: the one lead agency (cơ quan chủ trì), a concrete agency named as in submissions.
//! - `deadline`, `bound`: the schedule `once` with deadline `{date, bound}`; `bound` is `before`
//!   (`trước ngày D`) or `no_later_than` (`chậm nhất ngày D`), as in the plan JSON.
//! - `schedule` (optional column): `once`, the only kind a single deadline describes; any other
//!   kind is an error that says to give the obligation in the plan JSON.
//!
//! Two rows with one id are an error (never merged, never renamed). Obligations needing more
//! (several leads, performers, recurring schedules, source spans) are given in the plan JSON.
//!
//! ```
//! use tuanthu::input::obligations::{ObligationLayout, Obligations};
//! use tuanthu::input::table::Cell;
//! let layout = ObligationLayout::from_names(["id", "title", "lead", "deadline", "bound"]).unwrap();
//! let row = [Cell::Text("II.3"), Cell::Text("Rà soát"), Cell::Text("Sở Tư pháp"),
//!            Cell::Text("20/04/2026"), Cell::Text("before")];
//! let mut obligations = Obligations::default();
//! obligations.push(0, layout.read_row(|i| row[i]).unwrap().unwrap()).unwrap();
//! let plan = obligations.into_plan("p", "Kế hoạch");
//! assert_eq!(plan.obligations[0].schedule.type_name(), "once");
//! let bad = [Cell::Text("II.4"), Cell::Text("x"), Cell::Text("A"), Cell::Text("2026-04-31"),
//!            Cell::Text("before")];
//! let e = layout.read_row(|i| bad[i]).unwrap_err();
//! assert_eq!(e.column, "deadline");
//! assert_eq!(e.message, "'2026-04-31' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)");
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use super::table::{date_of, is_blank, locate, text_of, text_ref, Cell, ColumnKind, RowError};
use crate::model::{
    AgencyRef, Bound, Deadline, Obligation, ObligationId, ObligationKind, Plan, Schedule,
};
use crate::policy::PolicyOverrides;

/// A column of the obligations table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObligationColumn {
    Id,
    Title,
    Lead,
    Deadline,
    Bound,
    Schedule,
}

impl ObligationColumn {
    /// Every column, in the order the documentation lists them.
    pub const ALL: [ObligationColumn; 6] = [
        ObligationColumn::Id,
        ObligationColumn::Title,
        ObligationColumn::Lead,
        ObligationColumn::Deadline,
        ObligationColumn::Bound,
        ObligationColumn::Schedule,
    ];

    /// The column's name in a header row, an Arrow schema or a DataFrame.
    pub fn name(self) -> &'static str {
        match self {
            ObligationColumn::Id => "id",
            ObligationColumn::Title => "title",
            ObligationColumn::Lead => "lead",
            ObligationColumn::Deadline => "deadline",
            ObligationColumn::Bound => "bound",
            ObligationColumn::Schedule => "schedule",
        }
    }

    /// The Vietnamese names a header may give the column instead, as the plans' appendix
    /// tables name them; the first as the documentation shows it.
    pub fn vietnamese_names(self) -> &'static [&'static str] {
        match self {
            ObligationColumn::Id => &["Mã nhiệm vụ", "Mã", "Số hiệu", "STT"],
            ObligationColumn::Title => {
                &["Nhiệm vụ", "Tên nhiệm vụ", "Nội dung", "Nội dung nhiệm vụ"]
            }
            ObligationColumn::Lead => &["Cơ quan chủ trì", "Đơn vị chủ trì", "Chủ trì"],
            ObligationColumn::Deadline => &[
                "Thời hạn",
                "Thời hạn hoàn thành",
                "Thời gian hoàn thành",
                "Hạn hoàn thành",
            ],
            ObligationColumn::Bound | ObligationColumn::Schedule => &[],
        }
    }

    /// Whether every table must have the column (and every row a value in it).
    pub fn required(self) -> bool {
        !matches!(self, ObligationColumn::Schedule)
    }

    pub fn kind(self) -> ColumnKind {
        match self {
            ObligationColumn::Deadline => ColumnKind::Date,
            _ => ColumnKind::Text,
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Where each column of the obligations table sits among a source's columns, checked as for
/// the submissions table: no unknown column, none twice, every required one present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationLayout {
    index: [Option<usize>; 6],
}

impl ObligationLayout {
    /// The layout of a source whose columns have these names, in order.
    pub fn from_names<'a>(
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<ObligationLayout, RowError> {
        locate(
            ObligationColumn::ALL,
            ObligationColumn::name,
            ObligationColumn::vietnamese_names,
            ObligationColumn::required,
            names,
        )
        .map(|index| ObligationLayout { index })
    }

    /// The source's position of a column, `None` when the source does not have it.
    pub fn position(&self, c: ObligationColumn) -> Option<usize> {
        self.index[c.slot()]
    }

    /// One row: `cell(i)` is the cell at the source's position `i`. A row with no value at all
    /// (a blank CSV line, an all-null row) is no obligation: `Ok(None)`.
    pub fn read_row<'a>(
        &self,
        cell: impl Fn(usize) -> Cell<'a>,
    ) -> Result<Option<Obligation>, RowError> {
        let cells = ObligationColumn::ALL.map(|c| match self.position(c) {
            Some(i) => cell(i),
            None => Cell::Missing,
        });
        if cells.iter().all(is_blank) {
            return Ok(None);
        }
        read_cells(&cells).map(Some)
    }
}

fn read_cells(cells: &[Cell<'_>; 6]) -> Result<Obligation, RowError> {
    use ObligationColumn as C;
    let text = |c: C| text_of(&cells[c.slot()]).map_err(|m| RowError::new(c.name(), m));
    let required =
        |c: C| text(c)?.ok_or_else(|| RowError::new(c.name(), "required value is empty"));
    let id = required(C::Id)?;
    let title = required(C::Title)?;
    let lead = required(C::Lead)?;
    let date = date_of(&cells[C::Deadline.slot()])
        .map_err(|m| RowError::new(C::Deadline.name(), m))?
        .ok_or_else(|| RowError::new(C::Deadline.name(), "required value is empty"))?;
    let bound = text_ref(&cells[C::Bound.slot()])
        .map_err(|m| RowError::new(C::Bound.name(), m))?
        .ok_or_else(|| RowError::new(C::Bound.name(), "required value is empty"))?;
    let bound = parse_bound(&bound)?;
    if let Some(kind) = text(C::Schedule)? {
        if !kind.eq_ignore_ascii_case("once") {
            return Err(RowError::new(
                C::Schedule.name(),
                format!(
                    "'{kind}' cannot be given in the obligations table (only once: one deadline \
                     date and its bound); give this obligation in the plan JSON"
                ),
            ));
        }
    }
    Ok(Obligation {
        id: ObligationId::new(id),
        kind: ObligationKind::Task,
        title,
        content: None,
        lead: vec![AgencyRef::Agency {
            name: lead,
            text: None,
        }],
        coordinating: Vec::new(),
        performers: Vec::new(),
        products: Vec::new(),
        schedule: Schedule::Once {
            deadline: Deadline {
                date,
                bound,
                text: None,
            },
        },
        reporting: None,
        source: None,
    })
}

/// A bound by its JSON name (letter case and surrounding blanks do not matter).
fn parse_bound(text: &str) -> Result<Bound, RowError> {
    match text {
        t if t.eq_ignore_ascii_case("before") => Ok(Bound::Before),
        t if t.eq_ignore_ascii_case("no_later_than") => Ok(Bound::NoLaterThan),
        _ => Err(RowError::new(
            ObligationColumn::Bound.name(),
            format!("'{text}' is not a bound (expected before or no_later_than)"),
        )),
    }
}

/// The obligations read so far, in row order; refuses a second row with an id already read.
///
/// Ids are looked up by their hash (keyed per collection, as `HashMap`'s are) and then compared
/// with the obligation that has that hash: a table of one obligation per row would otherwise
/// copy every id once more only to check it.
#[derive(Debug)]
pub struct Obligations<S = RandomState> {
    /// Each id's hash → the position of the first obligation with that hash.
    by_hash: HashMap<u64, usize>,
    state: S,
    /// The source's row of each obligation, for the error that names the first of two.
    rows: Vec<usize>,
    obligations: Vec<Obligation>,
}

impl Default for Obligations {
    fn default() -> Self {
        Obligations::with_capacity(0)
    }
}

impl Obligations {
    /// An empty collection with room for `n` obligations.
    pub fn with_capacity(n: usize) -> Self {
        Obligations::with_hasher(n, RandomState::new())
    }
}

impl<S: BuildHasher> Obligations<S> {
    /// [`Obligations::with_capacity`], hashing ids with `state` (tests give one that collides).
    pub fn with_hasher(n: usize, state: S) -> Self {
        Obligations {
            by_hash: HashMap::with_capacity(n),
            state,
            rows: Vec::with_capacity(n),
            obligations: Vec::with_capacity(n),
        }
    }

    /// Adds the obligation read from `row` (the source's own numbering: a CSV line, a 0-based
    /// position), or says which row already has its id.
    pub fn push(&mut self, row: usize, obligation: Obligation) -> Result<(), RowError> {
        let id = obligation.id.as_str();
        let next = self.obligations.len();
        let at = *self.by_hash.entry(self.state.hash_one(id)).or_insert(next);
        if at != next {
            // The same hash: the same id, or (rarely) another id with that hash, when any earlier
            // obligation may be the one with this id.
            let same = if self.obligations[at].id.as_str() == id {
                Some(at)
            } else {
                self.obligations.iter().position(|o| o.id.as_str() == id)
            };
            if let Some(first) = same {
                return Err(RowError::new(
                    ObligationColumn::Id.name(),
                    format!(
                        "'{id}' is the id of row {} too (ids are unique within a plan)",
                        self.rows[first]
                    ),
                ));
            }
        }
        self.rows.push(row);
        self.obligations.push(obligation);
        Ok(())
    }

    /// Room for `n` more obligations (a source that knows how many rows come next).
    pub fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
        self.rows.reserve(n);
        self.obligations.reserve(n);
    }

    pub fn len(&self) -> usize {
        self.obligations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.obligations.is_empty()
    }

    /// The obligations, in row order.
    pub fn into_vec(self) -> Vec<Obligation> {
        self.obligations
    }

    /// A plan made of these obligations: `id` and `title` as given, every other header fact
    /// absent (no number, issuer, date or plan policies).
    pub fn into_plan(self, id: &str, title: &str) -> Plan {
        Plan {
            id: id.to_string(),
            number: None,
            issuer: None,
            jurisdiction: None,
            place: None,
            issue_date: None,
            title: title.to_string(),
            legal_basis: Vec::new(),
            law_effective_date: None,
            policies: PolicyOverrides::default(),
            obligations: self.obligations,
            warnings: Vec::new(),
            coverage: None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use chrono::NaiveDate;

    use super::*;

    fn layout() -> ObligationLayout {
        ObligationLayout::from_names(["ID", "title", "lead", "deadline", "bound", "schedule"])
            .unwrap()
    }

    #[test]
    fn header_errors_are_those_of_the_submissions_table() {
        let e = ObligationLayout::from_names(["id", "title", "lead", "deadline"]).unwrap_err();
        assert_eq!(
            (e.column.as_str(), e.message.as_str()),
            ("bound", "required column is missing")
        );
        let e = ObligationLayout::from_names(["id", "title", "lead", "deadline", "bound", "due"])
            .unwrap_err();
        assert_eq!(e.column, "due");
        assert_eq!(
            e.message,
            "unknown column; expected some of: id (Mã nhiệm vụ), title (Nhiệm vụ), \
             lead (Cơ quan chủ trì), deadline (Thời hạn), bound, schedule"
        );
        let e = ObligationLayout::from_names(["id", "Id", "title", "lead", "deadline", "bound"])
            .unwrap_err();
        assert_eq!(
            (e.column.as_str(), e.message.as_str()),
            ("id", "column appears twice")
        );
    }

    #[test]
    fn a_row_is_one_once_obligation_whatever_the_cell_types() {
        let date = NaiveDate::from_ymd_opt(2026, 4, 20).unwrap();
        let text = [
            Cell::Text(" II.3 "),
            Cell::Text("Rà soát"),
            Cell::Text("Sở Tư pháp"),
            Cell::Text("20/04/2026"),
            Cell::Text("Before"),
            Cell::Missing,
        ];
        let typed = [
            Cell::Text("II.3"),
            Cell::Text("Rà soát"),
            Cell::Text("Sở Tư pháp"),
            Cell::Date(date),
            Cell::Text("before"),
            Cell::Text("once"),
        ];
        let a = layout().read_row(|i| text[i]).unwrap().unwrap();
        assert_eq!(a, layout().read_row(|i| typed[i]).unwrap().unwrap());
        let json: Obligation = serde_json::from_str(
            r#"{"id": "II.3", "title": "Rà soát", "lead": [{"kind": "agency", "name": "Sở Tư pháp"}],
                "schedule": {"type": "once", "deadline": {"date": "2026-04-20", "bound": "before"}}}"#,
        )
        .unwrap();
        assert_eq!(a, json);
        let blank = [
            Cell::Missing,
            Cell::Text(" "),
            Cell::Float(f64::NAN),
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
        ];
        assert_eq!(layout().read_row(|i| blank[i]).unwrap(), None);
    }

    #[test]
    fn bad_cells_name_their_column() {
        let ok = [
            Cell::Text("II.3"),
            Cell::Text("t"),
            Cell::Text("A"),
            Cell::Text("2026-04-20"),
            Cell::Text("before"),
            Cell::Missing,
        ];
        let cases: [(usize, Cell<'_>, &str, &str); 7] = [
            (0, Cell::Missing, "id", "required value is empty"),
            (2, Cell::Text("  "), "lead", "required value is empty"),
            (3, Cell::Missing, "deadline", "required value is empty"),
            (
                3,
                Cell::Text("31/04/2026"),
                "deadline",
                "'31/04/2026' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)",
            ),
            (
                4,
                Cell::Text("by"),
                "bound",
                "'by' is not a bound (expected before or no_later_than)",
            ),
            (
                5,
                Cell::Text("recurring"),
                "schedule",
                "'recurring' cannot be given in the obligations table",
            ),
            (
                1,
                Cell::Date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
                "title",
                "expected text, got the date 2026-01-01",
            ),
        ];
        for (at, cell, column, message) in cases {
            let mut row = ok;
            row[at] = cell;
            let e = layout().read_row(|i| row[i]).unwrap_err();
            assert_eq!(e.column, column);
            assert!(e.message.starts_with(message), "{e}");
        }
    }

    /// The obligation of a row with this id (and the same title, lead and deadline as the others).
    fn read(id: &str) -> Obligation {
        let r = [
            Cell::Text(id),
            Cell::Text("t"),
            Cell::Text("A"),
            Cell::Text("2026-04-20"),
            Cell::Text("before"),
            Cell::Missing,
        ];
        layout().read_row(|k| r[k]).unwrap().unwrap()
    }

    /// Every id hashes to 0: each lookup meets an obligation with another id first.
    #[derive(Default)]
    struct Colliding;

    impl BuildHasher for Colliding {
        type Hasher = Zero;
        fn build_hasher(&self) -> Zero {
            Zero
        }
    }

    struct Zero;

    impl std::hash::Hasher for Zero {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, _: &[u8]) {}
    }

    #[test]
    fn ids_with_one_hash_are_told_apart_and_a_repeat_still_found() {
        let mut obs = Obligations::with_hasher(4, Colliding);
        for (row, id) in [(3, "II.1"), (5, "II.2"), (8, "II.3")] {
            obs.push(row, read(id)).unwrap();
        }
        // Not the obligation the hash points to (II.1), but a later one.
        let e = obs.push(9, read("II.2")).unwrap_err();
        assert_eq!(
            e.message,
            "'II.2' is the id of row 5 too (ids are unique within a plan)"
        );
        let e = obs.push(9, read("II.1")).unwrap_err();
        assert!(e.message.contains("row 3 too"), "{e}");
        assert_eq!(obs.len(), 3);
    }

    #[test]
    fn a_second_row_with_an_id_is_refused_not_merged() {
        let mut obs = Obligations::with_capacity(3);
        for (i, id) in ["II.1", "II.2"].into_iter().enumerate() {
            obs.push(i, read(id)).unwrap();
        }
        let e = obs.push(7, read("II.1")).unwrap_err();
        assert_eq!(e.column, "id");
        assert_eq!(
            e.message,
            "'II.1' is the id of row 0 too (ids are unique within a plan)"
        );
        assert_eq!(obs.len(), 2);
        let plan = obs.into_plan("p", "t");
        assert_eq!((plan.id.as_str(), plan.obligations.len()), ("p", 2));
    }
}
