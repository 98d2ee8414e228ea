use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// A party named in a plan: one concrete agency, or a group such as "các sở, ban, ngành tỉnh".
///
/// Groups expand to concrete agencies only when the caller supplies an [`AgencyRegistry`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AgencyRef {
    /// A concrete agency, e.g. `Sở Tư pháp`.
    Agency {
        /// Normalised display name (NFC, single spaces, abbreviations such as UBND kept as written).
        name: String,
        /// The words as written in the plan, when they differ from `name`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// A group of agencies, e.g. `UBND các xã, phường`.
    Group {
        group: AgencyGroup,
        /// Display name of the group as the plan names it.
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
}

impl AgencyRef {
    /// A concrete agency by name.
    pub fn agency(name: impl Into<String>) -> Self {
        AgencyRef::Agency {
            name: normalize_text(&name.into()),
            text: None,
        }
    }

    /// A group with the given display name.
    pub fn group(group: AgencyGroup, name: impl Into<String>) -> Self {
        AgencyRef::Group {
            group,
            name: normalize_text(&name.into()),
            text: None,
        }
    }

    /// Display name.
    pub fn name(&self) -> &str {
        match self {
            AgencyRef::Agency { name, .. } | AgencyRef::Group { name, .. } => name,
        }
    }

    /// The group, when this is one.
    pub fn as_group(&self) -> Option<AgencyGroup> {
        match self {
            AgencyRef::Group { group, .. } => Some(*group),
            AgencyRef::Agency { .. } => None,
        }
    }
}

/// Kinds of agency groups that plans assign work to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AgencyGroup {
    /// Các sở, ban, ngành (provincial departments and agencies).
    Departments,
    /// UBND các xã, phường (commune/ward People's Committees).
    Communes,
    /// Các cơ quan báo chí, truyền thông (press and media).
    Press,
    /// Các cơ quan, đơn vị có liên quan (related agencies: not enumerable without a registry).
    Related,
    /// Các đơn vị sự nghiệp công lập (public service units: hospitals, centres, institutes).
    PublicServiceUnits,
    /// Lực lượng vũ trang, đơn vị quân đội, công an các xã, phường (armed forces and police units).
    ArmedForces,
    /// Doanh nghiệp nhà nước, các doanh nghiệp (state-owned and other enterprises).
    Enterprises,
    /// Mặt trận Tổ quốc và các tổ chức chính trị - xã hội, hội, đoàn thể (mass organisations).
    MassOrganisations,
    /// Các trường học, cơ sở giáo dục (schools and education establishments).
    Schools,
}

impl AgencyGroup {
    /// Group a concrete agency belongs to by the shape of its name, when the registry says nothing.
    pub fn infer(name: &str) -> Option<AgencyGroup> {
        let key = fold_key(name);
        let starts = |p: &str| key.starts_with(p);
        if starts("so ") || starts("ban ") || starts("van phong ") || starts("thanh tra ") {
            Some(AgencyGroup::Departments)
        } else if (starts("uy ban nhan dan xa")
            || starts("uy ban nhan dan phuong")
            || starts("uy ban nhan dan dac khu"))
            && !key.contains("cac ")
        {
            Some(AgencyGroup::Communes)
        } else if starts("bao ") || starts("dai phat thanh") {
            Some(AgencyGroup::Press)
        } else {
            None
        }
    }
}

/// The province's agencies, supplied by the caller so that groups expand to concrete agencies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyRegistry {
    pub agencies: Vec<RegisteredAgency>,
}

/// One agency of a registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisteredAgency {
    /// Canonical name, e.g. `Sở Tư pháp`.
    pub name: String,
    /// Other names seen in plans and submissions (`STP`, `UBND phường Long Châu`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Groups this agency belongs to. Absent: inferred from the name (`Sở ...` → departments);
    /// `[]`: explicitly none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<AgencyGroup>>,
}

impl AgencyRegistry {
    /// Which of the registry's agencies `name` means, by name or alias, whatever the case,
    /// spacing, tone placement or abbreviations (as [`fold_key`] reads them): `Ok(Some(index))`,
    /// `Ok(None)` when none has that name, `Err(indices)` when several agencies' names fold
    /// together ("UBND xã Tân An", "UBND xã Tân Ân") and `name`'s diacritics do not pick one.
    ///
    /// ```
    /// use tuanthu::model::{AgencyRegistry, RegisteredAgency};
    /// let agency = |name: &str| RegisteredAgency { name: name.into(), aliases: vec![], groups: None };
    /// let r = AgencyRegistry { agencies: vec![agency("UBND xã Tân An"), agency("UBND xã Tân Ân")] };
    /// assert_eq!(r.resolve("Ủy ban nhân dân xã Tân Ân"), Ok(Some(1)));
    /// assert_eq!(r.resolve("UBND xa Tan An"), Err(vec![0, 1]));
    /// assert_eq!(r.resolve("Sở Tư pháp"), Ok(None));
    /// ```
    pub fn resolve(&self, name: &str) -> Result<Option<usize>, Vec<usize>> {
        AgencyIndex::new(self).resolve(name)
    }
}

/// A registry's names and aliases by fold key, made once: [`AgencyRegistry::resolve`] for many
/// names without folding every name of the registry for each (a service checks every
/// submission's agency against its token's). The evaluation's registry lookups are made from it.
#[derive(Debug, Clone, Default)]
pub struct AgencyIndex {
    by_key: std::collections::HashMap<String, Named>,
}

/// The agencies one fold key names.
#[derive(Debug, Clone)]
pub(crate) enum Named {
    /// One agency, by index (by its name, one or more of its aliases, or both).
    One(usize),
    /// Several agencies ("UBND xã Tân An", "UBND xã Tân Ân"): each name's or alias's
    /// [`fine_key`] (made only here, where it is needed) and its agency's index, in registry
    /// order.
    Shared(Vec<(Option<String>, usize)>),
}

impl AgencyIndex {
    pub fn new(registry: &AgencyRegistry) -> Self {
        let names = || {
            registry.agencies.iter().enumerate().flat_map(|(i, a)| {
                std::iter::once(&a.name)
                    .chain(&a.aliases)
                    .map(move |n| (n, i))
            })
        };
        let mut by_key: std::collections::HashMap<String, Named> = std::collections::HashMap::new();
        let mut shared = false;
        for (n, i) in names() {
            match by_key.entry(fold_key(n)) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(Named::One(i));
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    if let Named::One(j) = *e.get() {
                        if j != i {
                            e.insert(Named::Shared(Vec::new()));
                            shared = true;
                        }
                    }
                }
            }
        }
        // Only where agencies share a fold key: each of their names with its fine key.
        if shared {
            for (n, i) in names() {
                if let Some(Named::Shared(list)) = by_key.get_mut(&fold_key(n)) {
                    list.push((fine_key(n), i));
                }
            }
        }
        AgencyIndex { by_key }
    }

    /// As [`AgencyRegistry::resolve`].
    pub fn resolve(&self, name: &str) -> Result<Option<usize>, Vec<usize>> {
        match self.by_key.get(&fold_key(name)) {
            None => Ok(None),
            Some(Named::One(i)) => Ok(Some(*i)),
            Some(Named::Shared(named)) => pick_by_diacritics(name, named)
                .map(Some)
                .ok_or_else(|| agencies_of(named)),
        }
    }

    /// Each fold key and the agencies it names.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&String, &Named)> {
        self.by_key.iter()
    }
}

/// The distinct agencies of a shared fold key's names, in registry order.
pub(crate) fn agencies_of(named: &[(Option<String>, usize)]) -> Vec<usize> {
    let mut agencies: Vec<usize> = named.iter().map(|&(_, i)| i).collect();
    agencies.dedup();
    agencies
}

/// The one agency among `named` (names and aliases that share a fold key, each with its
/// [`fine_key`] and its agency's index) whose diacritics are `name`'s, if exactly one agency
/// has them: otherwise the name cannot tell them apart.
pub(crate) fn pick_by_diacritics<T: PartialEq + Clone>(
    name: &str,
    named: &[(Option<String>, T)],
) -> Option<T> {
    let fine = fine_key(name)?;
    let mut found = named
        .iter()
        .filter(|(f, _)| f.as_deref() == Some(fine.as_str()))
        .map(|(_, i)| i);
    let first = found.next()?;
    found.all(|i| i == first).then(|| first.clone())
}

/// Whether two names may be one agency's: the same [`fold_key`], and the same [`fine_key`]
/// where both carry diacritics ("Tân An" and "Tân Ân" are two; "Tan An" may be either).
pub fn same_agency_name(a: &str, b: &str) -> bool {
    fold_key(a) == fold_key(b)
        && match (fine_key(a), fine_key(b)) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

impl RegisteredAgency {
    /// Groups, explicit or inferred from the name.
    pub fn effective_groups(&self) -> Cow<'_, [AgencyGroup]> {
        match &self.groups {
            Some(g) => Cow::Borrowed(g),
            None => Cow::Owned(AgencyGroup::infer(&self.name).into_iter().collect()),
        }
    }
}

/// NFC, trimmed, inner whitespace collapsed to one space. Used for every name we store.
///
/// ```
/// assert_eq!(tuanthu::model::normalize_text("  Sở  Tư\n pháp "), "Sở Tư pháp");
/// ```
pub fn normalize_text(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A matching key for names: lower case, tone marks removed (so `Hòa`/`Hoà` and `Ủy`/`Uỷ`, which
/// differ only in where the tone mark sits, compare equal), `đ` kept as `d`, abbreviations expanded,
/// punctuation dropped and spaces collapsed.
///
/// ```
/// use tuanthu::model::fold_key;
/// assert_eq!(fold_key("UBND phường Long Châu"), fold_key("Ủy ban nhân dân  Phường Long Châu"));
/// assert_eq!(fold_key("Sở Văn hoá, Thể thao và Du lịch"), fold_key("Sở VHTTDL"));
/// ```
pub fn fold_key(s: &str) -> String {
    let s = &*joined_ampersands(s);
    let mut chars = String::with_capacity(s.len());
    if !fold_chars_latin(s, &mut chars) {
        chars.clear();
        s.nfd().for_each(|c| push_folded(c, &mut chars));
    }
    expand_abbreviations(&chars)
}

/// A finer key than [`fold_key`], for names it folds together: the same words (lower case,
/// abbreviations written out, punctuation dropped), but each word keeps its vowel-shape marks
/// (`â ă ê ô ơ ư`, `đ`) and its tone mark, the tone moved to the word's end so that old and new
/// placement (`hoà`/`hòa`, `Uỷ`/`Ủy`) agree. `None` for a name written without any diacritic:
/// typed that way, it could be any of the names its fold key covers.
///
/// ```
/// use tuanthu::model::fine_key;
/// assert_ne!(fine_key("UBND xã Tân An"), fine_key("UBND xã Tân Ân"));
/// assert_eq!(fine_key("Uỷ ban nhân dân xã Tân Hoà"), fine_key("UBND xã Tân Hòa"));
/// assert_eq!(fine_key("UBND xa Tan An"), None);
/// ```
pub fn fine_key(s: &str) -> Option<String> {
    let s = &*joined_ampersands(s);
    let decomposed: String = s.nfd().flat_map(char::to_lowercase).collect();
    let marked = decomposed.chars().any(|c| is_mark(c) || c == 'đ');
    if !marked {
        return None;
    }
    let mut key = String::with_capacity(decomposed.len() + 16);
    let words = decomposed.split(|c: char| !(c.is_alphanumeric() || is_mark(c)));
    for word in words.filter(|w| !w.is_empty()) {
        let mut folded = String::with_capacity(word.len());
        word.chars().for_each(|c| push_folded(c, &mut folded));
        match abbreviation(&folded) {
            Some(expansion) => expansion.iter().for_each(|w| push_fine_word(w, &mut key)),
            None => push_fine_word(word, &mut key),
        }
    }
    Some(key)
}

/// `s` with each `&` between two letters left out: `KH&CN` is the abbreviation `KHCN` (the `&`
/// stands for `và`, which the abbreviation's words have).
fn joined_ampersands(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let between = c == '&'
            && prev.is_some_and(char::is_alphanumeric)
            && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if !between {
            out.push(c);
        }
        prev = Some(c);
    }
    std::borrow::Cow::Owned(out)
}

/// The five Vietnamese tone marks (grave, acute, tilde, hook above, dot below), as NFD writes
/// them; the other combining marks of Vietnamese letters shape the vowel.
fn is_tone(c: char) -> bool {
    matches!(
        c,
        '\u{0300}' | '\u{0301}' | '\u{0303}' | '\u{0309}' | '\u{0323}'
    )
}

fn is_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// One word of a [`fine_key`]: its letters and vowel-shape marks, then its tone marks.
fn push_fine_word(word: &str, key: &mut String) {
    if !key.is_empty() {
        key.push(' ');
    }
    let decomposed: String = word.nfd().collect();
    key.extend(decomposed.chars().filter(|&c| !is_tone(c)));
    key.extend(decomposed.chars().filter(|&c| is_tone(c)));
}

/// The abbreviations both keys write out, in full (with diacritics, as [`fine_key`] needs;
/// [`fold_key`] folds them once).
/// The abbreviations of agency names (folded: `HĐND` is `hdnd`) and the words they stand for,
/// as written and folded: one table for the plan reader and for the keys registries and
/// submissions are matched by, so a name the reader reads (`Sở KH&CN`) is the name a submission
/// may give. A `match`, not a table searched in turn: the plan reader asks it of every word,
/// and the match rejects most words by their length and first bytes.
#[inline]
#[allow(clippy::type_complexity)]
fn abbreviation_words(folded: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match folded {
        "ubnd" => (&["ủy", "ban", "nhân", "dân"], &["uy", "ban", "nhan", "dan"]),
        "hdnd" => (
            &["hội", "đồng", "nhân", "dân"],
            &["hoi", "dong", "nhan", "dan"],
        ),
        "ubmttq" => (
            &["ủy", "ban", "mặt", "trận", "tổ", "quốc"],
            &["uy", "ban", "mat", "tran", "to", "quoc"],
        ),
        "mttq" => (
            &["mặt", "trận", "tổ", "quốc"],
            &["mat", "tran", "to", "quoc"],
        ),
        "vhttdl" => (
            &["văn", "hóa", "thể", "thao", "và", "du", "lịch"],
            &["van", "hoa", "the", "thao", "va", "du", "lich"],
        ),
        "khcn" => (
            &["khoa", "học", "và", "công", "nghệ"],
            &["khoa", "hoc", "va", "cong", "nghe"],
        ),
        "gddt" => (
            &["giáo", "dục", "và", "đào", "tạo"],
            &["giao", "duc", "va", "dao", "tao"],
        ),
        "vhtt" => (
            &["văn", "hóa", "thể", "thao"],
            &["van", "hoa", "the", "thao"],
        ),
        "tttt" => (
            &["thông", "tin", "và", "truyền", "thông"],
            &["thong", "tin", "va", "truyen", "thong"],
        ),
        "nnmt" => (
            &["nông", "nghiệp", "và", "môi", "trường"],
            &["nong", "nghiep", "va", "moi", "truong"],
        ),
        "nnptnt" => (
            &["nông", "nghiệp", "và", "phát", "triển", "nông", "thôn"],
            &["nong", "nghiep", "va", "phat", "trien", "nong", "thon"],
        ),
        "tnmt" => (
            &["tài", "nguyên", "và", "môi", "trường"],
            &["tai", "nguyen", "va", "moi", "truong"],
        ),
        "khdt" => (
            &["kế", "hoạch", "và", "đầu", "tư"],
            &["ke", "hoach", "va", "dau", "tu"],
        ),
        "bchqs" => (
            &["bộ", "chỉ", "huy", "quân", "sự"],
            &["bo", "chi", "huy", "quan", "su"],
        ),
        "dbqh" => (
            &["đại", "biểu", "quốc", "hội"],
            &["dai", "bieu", "quoc", "hoi"],
        ),
        "ldld" => (
            &["liên", "đoàn", "lao", "động"],
            &["lien", "doan", "lao", "dong"],
        ),
        "tand" => (&["tòa", "án", "nhân", "dân"], &["toa", "an", "nhan", "dan"]),
        "vksnd" => (
            &["viện", "kiểm", "sát", "nhân", "dân"],
            &["vien", "kiem", "sat", "nhan", "dan"],
        ),
        "bdbp" => (
            &["bộ", "đội", "biên", "phòng"],
            &["bo", "doi", "bien", "phong"],
        ),
        "kbnn" => (
            &["kho", "bạc", "nhà", "nước"],
            &["kho", "bac", "nha", "nuoc"],
        ),
        "nhnn" => (
            &["ngân", "hàng", "nhà", "nước"],
            &["ngan", "hang", "nha", "nuoc"],
        ),
        "tp" => (&["thành", "phố"], &["thanh", "pho"]),
        "tw" => (&["trung", "ương"], &["trung", "uong"]),
        _ => return None,
    })
}

/// Every abbreviation [`abbreviation_words`] knows (for the tests that check its two columns).
#[cfg(test)]
const ABBREVIATIONS: [&str; 23] = [
    "ubnd", "hdnd", "ubmttq", "mttq", "vhttdl", "khcn", "gddt", "vhtt", "tttt", "nnmt", "nnptnt",
    "tnmt", "khdt", "bchqs", "dbqh", "ldld", "tand", "vksnd", "bdbp", "kbnn", "nhnn", "tp", "tw",
];

/// An abbreviation's words in full, as written (`ubnd` → `ủy ban nhân dân`).
fn abbreviation(folded: &str) -> Option<&'static [&'static str]> {
    abbreviation_words(folded).map(|(written, _)| written)
}

/// An abbreviation's words folded, as [`fold_key`] writes them out (`ubnd` → `uy ban nhan dan`).
#[inline]
pub(crate) fn folded_abbreviation(folded: &str) -> Option<&'static [&'static str]> {
    abbreviation_words(folded).map(|(_, folded)| folded)
}

/// What one character of a name's NFD becomes in a key.
fn push_folded(c: char, out: &mut String) {
    match c {
        // Tone marks: grave, acute, tilde, hook above, dot below. Vowel-shape marks stay out too:
        // the key is deliberately coarse (a name typed without diacritics still matches). Names
        // it cannot tell apart (two communes "Tân An" and "Tân Ân") are told apart by
        // [`fine_key`] where a registry has both.
        '\u{0300}'..='\u{036f}' => {}
        'đ' | 'Đ' => out.push('d'),
        c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
        _ => out.push(' '),
    }
}

/// The words of folded characters, abbreviations written out, joined by single spaces.
fn expand_abbreviations(chars: &str) -> String {
    let mut key = String::with_capacity(chars.len() + 16);
    let mut push = |part: &str| {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(part);
    };
    for word in chars.split_whitespace() {
        match folded_abbreviation(word) {
            Some(full) => full.iter().for_each(|part| push(part)),
            None => push(word),
        }
    }
    key
}

/// Latin letters with marks (U+00C0–U+024F, U+1E00–U+1EFF: every Vietnamese letter) fold one
/// character at a time, from a table made once: NFD only reorders combining marks among
/// themselves, and every mark these letters decompose into (and every mark in U+0300–U+036F) is
/// dropped, so the key is the same as through the NFD stream. A name with any other non-ASCII
/// character returns `false` and takes the NFD stream. Folding is most of what matching agency
/// names costs: Unicode normalisation of every name, for every registry and every plan.
fn fold_chars_latin(s: &str, out: &mut String) -> bool {
    for c in s.chars() {
        if c.is_ascii() {
            out.push(if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            });
        } else if ('\u{0300}'..='\u{036f}').contains(&c) {
        } else if let Some(folded) = latin_folded(c) {
            out.push_str(folded);
        } else {
            return false;
        }
    }
    true
}

/// The table's ranges: Latin-1 Supplement to Latin Extended-B, and Latin Extended Additional.
const LATIN_RANGES: [(u32, u32); 2] = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)];

/// A Latin letter's folded text, when the table can fold it alone (see [`fold_chars_latin`]).
fn latin_folded(c: char) -> Option<&'static str> {
    static TABLE: std::sync::LazyLock<Vec<Option<Box<str>>>> = std::sync::LazyLock::new(|| {
        LATIN_RANGES
            .iter()
            .flat_map(|&(lo, hi)| lo..=hi)
            .map(|u| char::from_u32(u).and_then(fold_alone))
            .collect()
    });
    let u = u32::from(c);
    let mut offset = 0;
    for (lo, hi) in LATIN_RANGES {
        if (lo..=hi).contains(&u) {
            return TABLE.get(offset + (u - lo) as usize)?.as_deref();
        }
        offset += (hi - lo + 1) as usize;
    }
    None
}

/// One character folded by itself, if no combining mark of its decomposition could be reordered
/// past a mark that is kept.
fn fold_alone(c: char) -> Option<Box<str>> {
    let mut parts = Vec::new();
    unicode_normalization::char::decompose_canonical(c, |d| parts.push(d));
    let marks_dropped = parts.iter().all(|&d| {
        unicode_normalization::char::canonical_combining_class(d) == 0
            || ('\u{0300}'..='\u{036f}').contains(&d)
    });
    if !marks_dropped {
        return None;
    }
    let mut out = String::new();
    parts.into_iter().for_each(|d| push_folded(d, &mut out));
    Some(out.into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both keys read an abbreviation as the words a person writes out: each pair has one
    /// fold key and one fine key (and every abbreviation the keys know is in a pair).
    #[test]
    fn abbreviations_read_as_their_words_in_both_keys() {
        let pairs = [
            ("UBND xã Tân Ân", "Ủy ban nhân dân xã Tân Ân"),
            ("HĐND xã Tân Ân", "Hội đồng nhân dân xã Tân Ân"),
            ("HDND xã Tân Ân", "Hội đồng nhân dân xã Tân Ân"),
            ("Sở VHTTDL", "Sở Văn hoá, Thể thao và Du lịch"),
            ("Sở KHCN", "Sở Khoa học và Công nghệ"),
            ("Sở GDĐT", "Sở Giáo dục và Đào tạo"),
            ("Công an TP Cần Thơ", "Công an thành phố Cần Thơ"),
            ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
            ("UBMTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
            ("Ủy ban MTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
            ("Sở VHTT", "Sở Văn hóa, Thể thao"),
            ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
            ("Sở TTTT", "Sở Thông tin và Truyền thông"),
            ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
            ("Sở NNMT", "Sở Nông nghiệp và Môi trường"),
            ("Sở NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
            ("Sở TNMT", "Sở Tài nguyên và Môi trường"),
            ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
            ("BCHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
            ("Đoàn ĐBQH tỉnh", "Đoàn Đại biểu Quốc hội tỉnh"),
            ("LĐLĐ tỉnh", "Liên đoàn Lao động tỉnh"),
            ("TAND tỉnh", "Tòa án nhân dân tỉnh"),
            ("VKSND tỉnh", "Viện Kiểm sát nhân dân tỉnh"),
            ("BĐBP tỉnh", "Bộ đội Biên phòng tỉnh"),
            ("KBNN tỉnh", "Kho bạc Nhà nước tỉnh"),
            ("Chi nhánh NHNN tỉnh", "Chi nhánh Ngân hàng Nhà nước tỉnh"),
            ("Ban Chỉ đạo TW", "Ban Chỉ đạo Trung ương"),
        ];
        for (short, long) in pairs {
            assert_eq!(fold_key(short), fold_key(long), "{short}");
            assert_eq!(fine_key(short), fine_key(long), "{short}");
        }
        let folded = |w: &str| {
            let mut out = String::new();
            w.nfd().for_each(|c| push_folded(c, &mut out));
            out
        };
        for abbreviation in ABBREVIATIONS {
            let named = |(s, _): &(&str, &str)| s.split(' ').any(|w| folded(w) == abbreviation);
            assert!(pairs.iter().any(named), "{abbreviation}");
        }
    }

    #[test]
    fn fold_key_ignores_tone_placement_case_and_nfd() {
        let nfd: String = "Sở Văn hóa, Thể thao và Du lịch".nfd().collect();
        assert_eq!(fold_key(&nfd), fold_key("SỞ VĂN HOÁ, THỂ THAO VÀ DU LỊCH"));
        assert_eq!(fold_key("Uỷ ban nhân dân xã A"), fold_key("UBND xã A"));
        assert_ne!(fold_key("Sở Tư pháp"), fold_key("Sở Tài chính"));
    }

    /// The table's two columns agree: the folded words are the written ones folded.
    #[test]
    fn abbreviations_fold_to_their_folded_words() {
        for a in ABBREVIATIONS {
            let (written, folded) = abbreviation_words(a).unwrap();
            let again: Vec<String> = written
                .iter()
                .map(|w| {
                    let mut out = String::new();
                    w.nfd().for_each(|c| push_folded(c, &mut out));
                    out
                })
                .collect();
            assert_eq!(again, folded, "{a}");
        }
        assert_eq!(abbreviation_words("tinh"), None);
    }

    /// The definition: every character of the name's NFD folded, then the words expanded.
    fn fold_key_by_nfd(s: &str) -> String {
        let mut chars = String::new();
        s.nfd().for_each(|c| push_folded(c, &mut chars));
        expand_abbreviations(&chars)
    }

    #[test]
    fn the_latin_table_folds_every_letter_as_nfd_does() {
        for (lo, hi) in LATIN_RANGES {
            for c in (lo..=hi).filter_map(char::from_u32) {
                let alone = c.to_string();
                assert_eq!(
                    fold_key(&alone),
                    fold_key_by_nfd(&alone),
                    "U+{:04X}",
                    u32::from(c)
                );
                let nfd: String = alone.nfd().collect();
                assert_eq!(
                    fold_key(&nfd),
                    fold_key_by_nfd(&nfd),
                    "NFD of U+{:04X}",
                    u32::from(c)
                );
            }
        }
    }

    proptest::proptest! {
        /// Names mixing ASCII, Vietnamese letters in NFC and NFD, stray tone marks, other marks
        /// (U+0483, U+1DC4, U+20D0) that NFD reorders, and other scripts: the same key as NFD.
        #[test]
        fn fold_key_is_the_nfd_definition(
            s in "[A-Za-z0-9 ,.()-đĐăâêôơưĂÂÊÔƠƯàáảãạằẮẳẵặẤẦẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ\u{0300}-\u{0323}\u{0483}\u{1DC4}\u{20D0}ßİıÆœſẛЖ漢가\u{00A0}\t]{0,24}"
        ) {
            proptest::prop_assert_eq!(fold_key(&s), fold_key_by_nfd(&s));
            let nfd: String = s.nfd().collect();
            proptest::prop_assert_eq!(fold_key(&nfd), fold_key_by_nfd(&nfd));
        }
    }

    #[test]
    fn infers_groups_from_names() {
        assert_eq!(
            AgencyGroup::infer("Sở Tư pháp"),
            Some(AgencyGroup::Departments)
        );
        assert_eq!(
            AgencyGroup::infer("UBND phường Long Châu"),
            Some(AgencyGroup::Communes)
        );
        assert_eq!(AgencyGroup::infer("UBND các xã, phường"), None);
        assert_eq!(AgencyGroup::infer("Công an tỉnh"), None);
    }
}
