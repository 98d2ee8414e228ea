//! Agency recognition: names, not comma splits.
//!
//! Vietnamese agency names contain commas and `và` (`Sở Văn hóa, Thể thao và Du lịch`,
//! `Báo và Phát thanh, Truyền hình tỉnh`), and so do the groups plans assign work to
//! (`các sở, ban, ngành tỉnh`, `UBND các xã, phường`). So a list is read by recognising names
//! from a gazetteer of known agencies and patterns (`Công an tỉnh|thành phố`, `Sở <tên>`) and a
//! few hand-written group matchers, all on accent-folded words, and only what lies *between*
//! recognised names is treated as a separator.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::model::{normalize_text, AgencyGroup, AgencyRef};

use super::text::{
    clean_inline, collapse_ws, fold, fold_byte_at, fold_into, fold_starts_with, is_upper,
    is_word_char, Folded,
};

/// What separates a word from the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Start,
    Space,
    /// `-` or `–` between words (`Lao động - Thương binh`, `Bà Rịa - Vũng Tàu`).
    Dash,
    Comma,
    Semicolon,
    Paren,
    Hard,
}

/// A folded word stored inline (no allocation per token).
#[derive(Debug, Clone, Copy)]
struct Word {
    len: u8,
    bytes: [u8; 23],
}

impl Word {
    fn new(s: &str) -> Word {
        let mut w = Word {
            len: 0,
            bytes: [0; 23],
        };
        // Longer words are never part of a name we know: keep a marker that matches nothing.
        let src = if s.len() <= 23 { s } else { "~" };
        w.bytes[..src.len()].copy_from_slice(src.as_bytes());
        w.len = src.len() as u8;
        w
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("~")
    }

    /// The word's bytes: what the matchers compare, without the UTF-8 check of `as_str`
    /// (a tenth of the reader's time went to checking the same words again and again).
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

#[derive(Debug, Clone)]
struct Tok {
    /// Folded word (lower case, no accents); abbreviations expand to several tokens.
    stat: Option<&'static str>,
    word: Word,
    start: usize,
    end: usize,
    /// The word starts with an upper-case letter.
    cap: bool,
    sep: Sep,
    /// An abbreviation (UBND) rather than a written-out word.
    abbrev: bool,
}

impl Tok {
    fn word(&self) -> &str {
        match self.stat {
            Some(s) => s,
            None => self.word.as_str(),
        }
    }

    /// Whether the folded word is `w`.
    fn is(&self, w: &str) -> bool {
        match self.stat {
            Some(s) => s == w,
            None => self.word.as_bytes() == w.as_bytes(),
        }
    }
}

/// The words an abbreviation stands for, folded (`ubnd` → `uy ban nhan dan`; `KH&CN` with its
/// `&` left out). The table is the agency keys' (in `model::agency`), so a name read here is
/// the name a submission writing it the same way is matched by.
#[inline]
fn abbreviation(w: &str) -> Option<&'static [&'static str]> {
    crate::model::folded_abbreviation(w)
}

fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks = Vec::with_capacity(text.len() / 4);
    let mut sep = Sep::Start;
    let mut word_start: Option<usize> = None;
    let mut scratch = String::with_capacity(32);
    // `amp`: the word holds a `&` (`KH&CN`), known while it is scanned.
    let mut flush = |toks: &mut Vec<Tok>, s: usize, e: usize, sep: Sep, amp: bool| {
        let orig = &text[s..e];
        scratch.clear();
        fold_into(orig, &mut scratch);
        let cap = orig.chars().next().is_some_and(char::is_uppercase);
        // `kh&cn` is `khcn`: the `&` stands for `và`, which the expansion has.
        let exp = if amp {
            abbreviation(&scratch.replace('&', ""))
        } else {
            abbreviation(&scratch)
        };
        if let Some(exp) = exp {
            for (k, w) in exp.iter().enumerate() {
                toks.push(Tok {
                    stat: Some(w),
                    word: Word::new(""),
                    start: s,
                    end: e,
                    cap,
                    sep: if k == 0 { sep } else { Sep::Space },
                    abbrev: true,
                });
            }
        } else {
            toks.push(Tok {
                stat: None,
                word: Word::new(&scratch),
                start: s,
                end: e,
                cap,
                sep,
                abbrev: false,
            });
        }
    };
    let mut amp = false;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            if word_start.is_none() {
                word_start = Some(i);
            }
            continue;
        }
        // `&` between letters belongs to the word: `KH&CN`, `GD&ĐT` are one abbreviation.
        if c == '&'
            && word_start.is_some()
            && text[i + 1..].chars().next().is_some_and(is_word_char)
        {
            amp = true;
            continue;
        }
        if let Some(s) = word_start.take() {
            flush(&mut toks, s, i, sep, std::mem::take(&mut amp));
            sep = Sep::Space;
        }
        let this = match c {
            ',' => Sep::Comma,
            ';' => Sep::Semicolon,
            '(' | ')' | '[' | ']' => Sep::Paren,
            '-' | '–' | '—' => Sep::Dash,
            '.' | ':' | '!' | '?' | '/' | '"' | '\n' | '|' => Sep::Hard,
            _ => Sep::Space,
        };
        if rank(this) > rank(sep) {
            sep = this;
        }
    }
    if let Some(s) = word_start {
        flush(&mut toks, s, text.len(), sep, amp);
    }
    toks
}

fn rank(s: Sep) -> u8 {
    match s {
        Sep::Start => 0,
        Sep::Space => 1,
        Sep::Dash => 2,
        Sep::Comma => 3,
        Sep::Semicolon => 4,
        Sep::Paren => 5,
        Sep::Hard => 6,
    }
}

/// How a gazetteer name may continue after its fixed words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// Nothing more.
    None,
    /// `tỉnh` or `thành phố` required and part of the name (`Công an tỉnh`); a place name after it
    /// is absorbed into the quoted text only.
    Level,
    /// `tỉnh`/`thành phố`, optionally followed by a place name, or a place name: part of the name
    /// (`Báo và Phát thanh, Truyền hình Vĩnh Long`).
    LevelOrPlace,
    /// Optional `tỉnh`/`thành phố` and place name, not part of the name (`Sở Tư pháp tỉnh`).
    OptLevel,
    /// A capitalised name follows (`Sở <Tên>`), part of the name: generic patterns.
    CapName,
}

struct Entry {
    canonical: &'static str,
    words: Vec<String>,
    tail: Tail,
}

/// Known agency names. Department names follow the 2025 reorganisation, with older names still
/// met in plans; names with a level (`tỉnh`/`thành phố`) are patterns.
const GAZETTEER: &[(&str, Tail)] = &[
    // Provincial departments (sở) after the 2025 reform, and older names.
    ("Sở Nội vụ", Tail::OptLevel),
    ("Sở Tư pháp", Tail::OptLevel),
    ("Sở Tài chính", Tail::OptLevel),
    ("Sở Công Thương", Tail::OptLevel),
    ("Sở Nông nghiệp và Môi trường", Tail::OptLevel),
    ("Sở Xây dựng", Tail::OptLevel),
    ("Sở Khoa học và Công nghệ", Tail::OptLevel),
    ("Sở Giáo dục và Đào tạo", Tail::OptLevel),
    ("Sở Y tế", Tail::OptLevel),
    ("Sở Văn hóa, Thể thao và Du lịch", Tail::OptLevel),
    ("Sở Văn hóa và Thể thao", Tail::OptLevel),
    ("Sở Du lịch", Tail::OptLevel),
    ("Sở Dân tộc và Tôn giáo", Tail::OptLevel),
    ("Sở Ngoại vụ", Tail::OptLevel),
    ("Sở Thông tin và Truyền thông", Tail::OptLevel),
    ("Sở Kế hoạch và Đầu tư", Tail::OptLevel),
    ("Sở Lao động - Thương binh và Xã hội", Tail::OptLevel),
    ("Sở Giao thông vận tải", Tail::OptLevel),
    ("Sở Tài nguyên và Môi trường", Tail::OptLevel),
    ("Sở Nông nghiệp và Phát triển nông thôn", Tail::OptLevel),
    ("Sở Quy hoạch - Kiến trúc", Tail::OptLevel),
    // Other provincial bodies.
    ("Văn phòng Ủy ban nhân dân", Tail::Level),
    (
        "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân",
        Tail::Level,
    ),
    ("Thanh tra", Tail::Level),
    ("Công an", Tail::Level),
    ("Bộ Chỉ huy Quân sự", Tail::Level),
    ("Bộ Chỉ huy Bộ đội Biên phòng", Tail::Level),
    ("Ban Dân tộc", Tail::Level),
    ("Ban Quản lý các khu công nghiệp", Tail::OptLevel),
    ("Ban Quản lý Khu kinh tế", Tail::OptLevel),
    ("Báo và Phát thanh, Truyền hình", Tail::LevelOrPlace),
    ("Đài Phát thanh và Truyền hình", Tail::LevelOrPlace),
    ("Ủy ban nhân dân", Tail::Level),
    ("Hội đồng nhân dân", Tail::Level),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam", Tail::Level),
    ("Tỉnh ủy", Tail::None),
    ("Thành ủy", Tail::None),
    ("Tỉnh đoàn", Tail::None),
    ("Liên đoàn Lao động", Tail::Level),
    ("Viện Kiểm sát nhân dân", Tail::Level),
    ("Tòa án nhân dân", Tail::Level),
    ("Kho bạc Nhà nước", Tail::OptLevel),
    ("Ngân hàng Nhà nước", Tail::OptLevel),
    ("Trung tâm Phục vụ hành chính công", Tail::OptLevel),
    (
        "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        Tail::None,
    ),
    (
        "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        Tail::None,
    ),
    // Party bodies of the province or city, and the bodies the 2025 reform merged.
    ("Văn phòng Tỉnh ủy", Tail::None),
    ("Văn phòng Thành ủy", Tail::None),
    ("Ban Tổ chức Tỉnh ủy", Tail::None),
    ("Ban Tổ chức Thành ủy", Tail::None),
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", Tail::None),
    ("Ban Tuyên giáo và Dân vận Thành ủy", Tail::None),
    ("Ban Tuyên giáo Tỉnh ủy", Tail::None),
    ("Ban Dân vận Tỉnh ủy", Tail::None),
    ("Ban Nội chính Tỉnh ủy", Tail::None),
    ("Ban Nội chính Thành ủy", Tail::None),
    ("Ủy ban Kiểm tra Tỉnh ủy", Tail::None),
    ("Ủy ban Kiểm tra Thành ủy", Tail::None),
    (
        "Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
        Tail::Level,
    ),
    // Mass organisations and public bodies of the province.
    ("Hội Nông dân", Tail::Level),
    ("Hội Liên hiệp Phụ nữ", Tail::Level),
    ("Hội Cựu chiến binh", Tail::Level),
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh", Tail::Level),
    ("Liên minh Hợp tác xã", Tail::Level),
    ("Bảo hiểm xã hội", Tail::Level),
    ("Thuế", Tail::Level),
    ("Thống kê", Tail::Level),
    ("Chi cục Thống kê", Tail::Level),
    ("Cục Thống kê", Tail::Level),
    ("Trường Chính trị", Tail::Level),
    ("Bưu điện", Tail::Level),
    ("Ngân hàng Chính sách xã hội", Tail::OptLevel),
    (
        "Trung tâm Giám sát, điều hành đô thị thông minh",
        Tail::OptLevel,
    ),
    // Central bodies.
    ("Thủ tướng Chính phủ", Tail::None),
    ("Văn phòng Chính phủ", Tail::None),
    ("Chính phủ", Tail::None),
    ("Quốc hội", Tail::None),
    ("Bộ Công an", Tail::None),
    ("Bộ Quốc phòng", Tail::None),
    ("Bộ Tư pháp", Tail::None),
    ("Bộ Nội vụ", Tail::None),
    ("Bộ Tài chính", Tail::None),
    ("Bộ Khoa học và Công nghệ", Tail::None),
    ("Bộ Giáo dục và Đào tạo", Tail::None),
    ("Bộ Văn hóa, Thể thao và Du lịch", Tail::None),
    ("Bộ Thông tin và Truyền thông", Tail::None),
    ("Bộ Ngoại giao", Tail::None),
    ("Bộ Y tế", Tail::None),
    ("Bộ Công Thương", Tail::None),
    ("Bộ Xây dựng", Tail::None),
    ("Bộ Nông nghiệp và Môi trường", Tail::None),
    ("Bộ Dân tộc và Tôn giáo", Tail::None),
    // Generic patterns, tried after the names above.
    ("Sở", Tail::CapName),
    ("Bộ", Tail::CapName),
];

static ENTRIES: LazyLock<HashMap<String, Vec<Entry>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<Entry>> = HashMap::new();
    for (canonical, tail) in GAZETTEER {
        let words: Vec<String> = tokenize(canonical)
            .iter()
            .map(|t| t.word().to_string())
            .collect();
        let Some(first) = words.first().cloned() else {
            continue;
        };
        map.entry(first).or_default().push(Entry {
            canonical,
            words,
            tail: *tail,
        });
    }
    map
});

/// Words that introduce a person or office of an agency: `Thủ trưởng các sở`, `Chủ tịch UBND`.
const ROLES: &[&[&str]] = &[
    &["thu", "truong"],
    &["giam", "doc"],
    &["pho", "chu", "tich"],
    &["chu", "tich"],
    &["nguoi", "dung", "dau"],
    &["lanh", "dao"],
    &["chanh", "van", "phong"],
    &["chi", "huy", "truong"],
    &["truong"],
];

/// Words that start an agency-like name not in the gazetteer (`Ban Quản lý ...`).
const HEADS: &[&str] = &[
    "so", "ban", "phong", "cuc", "trung", "hoi", "truong", "benh", "bao", "dai", "doan", "vien",
    "kho", "ngan", "cong", "tong", "uy", "van", "thanh", "bo", "chi", "lien", "toa", "dang",
];

/// A recognised party and where it is in the text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub agency: AgencyRef,
    pub start: usize,
    pub end: usize,
    /// Recognised by shape only (not in the gazetteer).
    pub unknown: bool,
}

struct Match {
    end_tok: usize,
    made: Made,
}

/// What a matcher found; names are built only for the match that wins.
enum Made {
    Agency { name: String },
    Group(AgencyGroup),
}

impl Match {
    fn build(self, text: &str, toks: &[Tok], start: usize) -> AgencyRef {
        let written = orig(text, toks, start, self.end_tok);
        match self.made {
            Made::Agency { name } => AgencyRef::Agency {
                text: (written != name).then_some(written),
                name,
            },
            Made::Group(group) => group_ref(group, written),
        }
    }
}

/// A group as written: its name with a leading `Các` in lower case (`Các sở, ban, ngành` →
/// `các sở, ban, ngành`; `Ủy ban ...` and `CÁC ...` keep their case), the written form kept
/// when it differs.
fn group_ref(group: AgencyGroup, written: String) -> AgencyRef {
    let mut name = written.clone();
    let first_word = name.split(' ').next().unwrap_or("");
    if fold(first_word) == "cac" && !is_upper(first_word) {
        let mut cs = name.chars();
        if let Some(c) = cs.next() {
            name = c.to_lowercase().chain(cs).collect();
        }
    }
    AgencyRef::Group {
        group,
        text: (written != name).then_some(written),
        name,
    }
}

fn tok_is(toks: &[Tok], i: usize, w: &str) -> bool {
    toks.get(i).is_some_and(|t| t.is(w))
}

/// Matches `words` at `i`, the words separated by spaces or commas only; a dash may stand for a
/// `và` (`Đài Phát thanh - Truyền hình` is `Đài Phát thanh và Truyền hình`). Returns the next
/// index.
fn seq<W: AsRef<str>>(toks: &[Tok], i: usize, words: &[W]) -> Option<usize> {
    let mut j = i;
    for (k, w) in words.iter().enumerate() {
        let t = toks.get(j)?;
        if !t.is(w.as_ref()) {
            if k > 0 && w.as_ref() == "va" && t.sep == Sep::Dash {
                continue;
            }
            return None;
        }
        if k > 0 && !matches!(t.sep, Sep::Space | Sep::Comma | Sep::Dash) {
            return None;
        }
        j += 1;
    }
    Some(j)
}

/// `tỉnh` or `thành phố` (or `TP`) at `i`, joined by a space: returns (next index, Vietnamese).
fn level(toks: &[Tok], i: usize) -> Option<(usize, &'static str)> {
    let t = toks.get(i)?;
    if !matches!(t.sep, Sep::Space) {
        return None;
    }
    if t.is("tinh") {
        return Some((i + 1, "tỉnh"));
    }
    if t.is("thanh") && tok_is(toks, i + 1, "pho") {
        return Some((i + 2, "thành phố"));
    }
    None
}

/// Words that start a unit's name, never a place name.
const NOT_PLACES: &[&str] = &[
    "phong", "so", "ban", "cuc", "chi", "trung", "doi", "to", "bo",
];

/// A place name at `i`: capitalised words joined by spaces or hyphens (`Vĩnh Long`, `Bà Rịa -
/// Vũng Tàu`). Returns the next index.
fn place(toks: &[Tok], i: usize) -> Option<usize> {
    let mut j = i;
    while let Some(t) = toks.get(j) {
        let joined = matches!(t.sep, Sep::Space) || (j > i && t.sep == Sep::Dash);
        if !t.cap || !joined || j - i >= 5 {
            break;
        }
        // "Công an tỉnh - Phòng An ninh mạng": a unit, not a place name.
        if (j == i || t.sep == Sep::Dash) && NOT_PLACES.contains(&t.word()) {
            break;
        }
        // Upper-case abbreviations such as UBND are not place names.
        if t.abbrev {
            break;
        }
        j += 1;
    }
    (j > i).then_some(j)
}

/// A generic capitalised name (`Thông tin và Truyền thông`): components of a capitalised word and
/// at most two lower-case words, joined by spaces, `và`, commas or hyphens.
fn cap_name(toks: &[Tok], i: usize) -> Option<usize> {
    let first = toks.get(i)?;
    if !first.cap || !matches!(first.sep, Sep::Space) {
        return None;
    }
    let mut j = i;
    let mut end = i;
    while let Some(t) = toks.get(j) {
        if !t.cap || !(j == i || matches!(t.sep, Sep::Space | Sep::Comma | Sep::Dash)) {
            break;
        }
        j += 1;
        let mut lower = 0;
        while let Some(n) = toks.get(j) {
            if n.cap || !matches!(n.sep, Sep::Space) || lower >= 2 || n.is("va") {
                break;
            }
            lower += 1;
            j += 1;
        }
        end = j;
        // `và` joining another capitalised component.
        if tok_is(toks, j, "va")
            && toks.get(j).is_some_and(|t| t.sep == Sep::Space)
            && toks
                .get(j + 1)
                .is_some_and(|t| t.cap && t.sep == Sep::Space)
        {
            j += 1;
            continue;
        }
        if toks
            .get(j)
            .is_some_and(|t| t.cap && t.sep == Sep::Comma && !t.abbrev)
        {
            // `Lao động, Thương binh và Xã hội`: only when a `và` component follows later.
            let mut k = j + 1;
            let mut saw_va = false;
            while let Some(n) = toks.get(k) {
                if !matches!(n.sep, Sep::Space) {
                    break;
                }
                if n.is("va") {
                    saw_va = true;
                    break;
                }
                k += 1;
            }
            if saw_va {
                continue;
            }
        }
        break;
    }
    (end > i).then_some(end)
}

fn orig(text: &str, toks: &[Tok], a: usize, b: usize) -> String {
    if a >= b || b > toks.len() {
        return String::new();
    }
    collapse_ws(&text[toks[a].start..toks[b - 1].end])
}

/// The best gazetteer agency at `i`.
fn match_agency(text: &str, toks: &[Tok], i: usize) -> Option<Match> {
    let first = toks.get(i)?;
    let entries = ENTRIES.get(first.word())?;
    let mut best: Option<Match> = None;
    for e in entries {
        let Some(j) = seq(toks, i, &e.words) else {
            continue;
        };
        let found = match e.tail {
            Tail::None => Some((j, e.canonical.to_string())),
            Tail::Level => level(toks, j).map(|(k, lv)| {
                let k = place(toks, k).unwrap_or(k);
                (k, format!("{} {}", e.canonical, lv))
            }),
            Tail::LevelOrPlace => {
                if let Some((k, _)) = level(toks, j) {
                    let k = place(toks, k).unwrap_or(k);
                    Some((k, format!("{} {}", e.canonical, orig(text, toks, j, k))))
                } else {
                    place(toks, j)
                        .map(|k| (k, format!("{} {}", e.canonical, orig(text, toks, j, k))))
                }
            }
            Tail::OptLevel => {
                let k = match level(toks, j) {
                    Some((k, _)) => place(toks, k).unwrap_or(k),
                    None => j,
                };
                Some((k, e.canonical.to_string()))
            }
            Tail::CapName => cap_name(toks, j).map(|k| {
                let k2 = match level(toks, k) {
                    Some((k2, _)) => place(toks, k2).unwrap_or(k2),
                    None => k,
                };
                (k2, format!("{} {}", e.canonical, orig(text, toks, j, k)))
            }),
        };
        let Some((end, name)) = found else { continue };
        // Generic patterns only when no name matched.
        if e.tail == Tail::CapName && best.is_some() {
            continue;
        }
        if best.as_ref().is_none_or(|b| end > b.end_tok) {
            best = Some(Match {
                end_tok: end,
                made: Made::Agency { name },
            });
        }
    }
    best
}

/// `UBND xã Long Phú`: one named commune or ward.
fn match_named_commune(text: &str, toks: &[Tok], i: usize) -> Option<Match> {
    let j = seq(toks, i, &["uy", "ban", "nhan", "dan"])?;
    let t = toks.get(j)?;
    let (k, kind) = match t.word() {
        "xa" => (j + 1, "xã"),
        "phuong" => (j + 1, "phường"),
        "dac" if tok_is(toks, j + 1, "khu") => (j + 2, "đặc khu"),
        _ => return None,
    };
    if t.sep != Sep::Space {
        return None;
    }
    let end = place(toks, k)?;
    let name = format!("Ủy ban nhân dân {kind} {}", orig(text, toks, k, end));
    Some(Match {
        end_tok: end,
        made: Made::Agency { name },
    })
}

fn group_match(_text: &str, _toks: &[Tok], _i: usize, end: usize, g: AgencyGroup) -> Match {
    Match {
        end_tok: end,
        made: Made::Group(g),
    }
}

fn space_or_comma(toks: &[Tok], i: usize) -> bool {
    toks.get(i)
        .is_some_and(|t| matches!(t.sep, Sep::Space | Sep::Comma | Sep::Dash))
}

/// Optional `thuộc UBND tỉnh`, level, `có liên quan`, `trên địa bàn ...` after a group.
fn group_suffix(toks: &[Tok], mut j: usize) -> usize {
    if tok_is(toks, j, "thuoc") && space_or_comma(toks, j) {
        if let Some(k) = seq(toks, j + 1, &["uy", "ban", "nhan", "dan"]) {
            if let Some((k2, _)) = level(toks, k) {
                j = k2;
            }
        } else if let Some((k2, _)) = level(toks, j + 1) {
            j = k2;
        }
    }
    if let Some((k, _)) = level(toks, j) {
        j = k;
    }
    if let Some(k) =
        seq(toks, j, &["co", "lien", "quan"]).or_else(|| seq(toks, j, &["lien", "quan"]))
    {
        if space_or_comma(toks, j) {
            j = k;
        }
    }
    j
}

/// `các sở, ban, ngành (tỉnh)`, `các sở, ban, ngành, cơ quan thuộc UBND tỉnh`.
fn match_departments(text: &str, toks: &[Tok], i: usize) -> Option<Match> {
    let mut j = i;
    if tok_is(toks, j, "cac") {
        j += 1;
    }
    let so = tok_is(toks, j, "so") && (j == i || space_or_comma(toks, j));
    let cqcm = seq(toks, j, &["co", "quan", "chuyen", "mon"]);
    if let (false, Some(k)) = (so, cqcm) {
        // các cơ quan chuyên môn thuộc UBND tỉnh
        let k2 = group_suffix(toks, k);
        return (k2 > k).then(|| group_match(text, toks, i, k2, AgencyGroup::Departments));
    }
    if !so {
        return None;
    }
    j += 1;
    let mut parts = 0;
    loop {
        if !space_or_comma(toks, j) {
            break;
        }
        if tok_is(toks, j, "ban") || tok_is(toks, j, "nganh") {
            j += 1;
            parts += 1;
        } else if let Some(k) = seq(toks, j, &["doan", "the"]) {
            j = k;
            parts += 1;
        } else if let Some(k) = seq(toks, j, &["co", "quan"]) {
            if parts == 0 {
                break;
            }
            j = k;
            if let Some(k2) = seq(toks, j, &["chuyen", "mon"]) {
                j = k2;
            }
        } else if let Some(k) = seq(toks, j, &["dia", "phuong"]) {
            if parts == 0 {
                break;
            }
            j = k;
        } else {
            break;
        }
    }
    // Plain "các sở" is a group too; "sở" alone is the head of a name.
    if parts == 0 && j == i + 1 {
        return None;
    }
    let j = group_suffix(toks, j);
    Some(group_match(text, toks, i, j, AgencyGroup::Departments))
}

/// `UBND các xã, phường`, `Ủy ban nhân dân xã, phường`, `các xã, phường, đặc khu`, `địa phương`.
fn match_communes(text: &str, toks: &[Tok], i: usize) -> Option<Match> {
    let mut j = i;
    let ubnd = seq(toks, j, &["uy", "ban", "nhan", "dan"]);
    if let Some(k) = ubnd {
        j = k;
    }
    let mut cac = false;
    if tok_is(toks, j, "cac") && (j == i || space_or_comma(toks, j)) {
        cac = true;
        j += 1;
    }
    let start_kinds = j;
    let mut kinds = 0;
    loop {
        if j > start_kinds && !space_or_comma(toks, j) {
            break;
        }
        if j == start_kinds && j > i && !space_or_comma(toks, j) {
            break;
        }
        if tok_is(toks, j, "xa") || tok_is(toks, j, "phuong") {
            j += 1;
            kinds += 1;
        } else if let Some(k) = seq(toks, j, &["dac", "khu"]) {
            j = k;
            kinds += 1;
        } else if kinds > 0 && tok_is(toks, j, "va") {
            // "xã và phường", "xã, phường và đặc khu"
            if tok_is(toks, j + 1, "phuong")
                || tok_is(toks, j + 1, "xa")
                || seq(toks, j + 1, &["dac", "khu"]).is_some()
            {
                j += 1;
                continue;
            }
            break;
        } else {
            break;
        }
    }
    if kinds > 0 {
        // A capitalised name right after means one named commune.
        if kinds == 1 && !cac && toks.get(j).is_some_and(|t| t.cap && t.sep == Sep::Space) {
            return None;
        }
        if ubnd.is_some() || cac || kinds >= 2 {
            let j = group_suffix(toks, j);
            return Some(group_match(text, toks, i, j, AgencyGroup::Communes));
        }
        return None;
    }
    if ubnd.is_none() {
        // "(các) địa phương" as a list item.
        let k = seq(toks, j, &["dia", "phuong"])?;
        if j == i && !cac {
            // bare "địa phương": only when not "tại/trên địa phương" (checked by the caller).
        }
        return Some(group_match(text, toks, i, k, AgencyGroup::Communes));
    }
    None
}

/// `các cơ quan báo chí, truyền thông (khác)`.
fn match_press(text: &str, toks: &[Tok], i: usize) -> Option<Match> {
    let mut j = i;
    if tok_is(toks, j, "cac") {
        j += 1;
    }
    let k = seq(toks, j, &["co", "quan", "bao", "chi"])
        .or_else(|| seq(toks, j, &["co", "quan", "thong", "tan", "bao", "chi"]))?;
    if j > i && !space_or_comma(toks, j) {
        return None;
    }
    let mut j = k;
    if let Some(k) = seq(toks, j, &["truyen", "thong"]) {
        if space_or_comma(toks, j) {
            j = k;
        }
    } else if tok_is(toks, j, "va") {
        if let Some(k) = seq(toks, j + 1, &["truyen", "thong"]) {
            j = k;
        }
    }
    Some(group_match(text, toks, i, j, AgencyGroup::Press))
}

/// `các cơ quan, đơn vị (khác) có liên quan`, `đơn vị có liên quan`, `các cơ quan, đơn vị`.
fn match_related(text: &str, toks: &[Tok], i: usize) -> Option<Match> {
    let mut j = i;
    let cac = tok_is(toks, j, "cac");
    if cac {
        j += 1;
    }
    let mut items = 0;
    loop {
        if (j > i) && !space_or_comma(toks, j) {
            break;
        }
        let next = seq(toks, j, &["co", "quan"])
            .or_else(|| seq(toks, j, &["don", "vi"]))
            .or_else(|| seq(toks, j, &["to", "chuc"]))
            .or_else(|| {
                if items > 0 {
                    seq(toks, j, &["dia", "phuong"])
                } else {
                    None
                }
            })
            .or_else(|| seq(toks, j, &["doanh", "nghiep"]))
            .or_else(|| {
                if items > 0 {
                    seq(toks, j, &["ca", "nhan"])
                } else {
                    None
                }
            });
        match next {
            Some(k) => {
                j = k;
                items += 1;
            }
            None => {
                // "cơ quan và đơn vị"
                if items > 0
                    && tok_is(toks, j, "va")
                    && (seq(toks, j + 1, &["don", "vi"]).is_some()
                        || seq(toks, j + 1, &["to", "chuc"]).is_some())
                {
                    j += 1;
                    continue;
                }
                break;
            }
        }
    }
    if items == 0 {
        return None;
    }
    let mut k = j;
    if tok_is(toks, k, "khac") && space_or_comma(toks, k) {
        k += 1;
    }
    // "thuộc UBND tỉnh": the province's own agencies.
    if tok_is(toks, k, "thuoc") {
        let k2 = group_suffix(toks, k);
        if k2 > k + 1 {
            return Some(group_match(text, toks, i, k2, AgencyGroup::Departments));
        }
    }
    let related = seq(toks, k, &["co", "lien", "quan"])
        .or_else(|| seq(toks, k, &["lien", "quan"]))
        .filter(|_| space_or_comma(toks, k));
    match related {
        Some(k2) => Some(group_match(text, toks, i, k2, AgencyGroup::Related)),
        // Plain "các cơ quan, đơn vị" (no "có liên quan") is how plans address the province's
        // own agencies and units; "related" would leave the duty to whoever a registry tags.
        None if cac && items >= 2 => Some(group_match(text, toks, i, k, AgencyGroup::Departments)),
        None => None,
    }
}

/// Groups named by a fixed phrase, as the two-level local government (2025) addresses them.
/// One-word heads (`hội`, `trường`, `doanh nghiệp`) are groups only after `các`/`những`.
const PHRASE_GROUPS: &[(&[&str], AgencyGroup, bool)] = &[
    // (folded words, group, needs `các`)
    (
        &["don", "vi", "su", "nghiep", "cong", "lap"],
        AgencyGroup::PublicServiceUnits,
        false,
    ),
    (
        &["don", "vi", "su", "nghiep"],
        AgencyGroup::PublicServiceUnits,
        false,
    ),
    (
        &["luc", "luong", "vu", "trang"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["don", "vi", "luc", "luong", "vu", "trang"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["don", "vi", "quan", "doi"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["don", "vi", "cong", "an"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["luc", "luong", "cong", "an"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["cong", "an", "cac", "xa"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["cong", "an", "cac", "phuong"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (&["cong", "an", "xa"], AgencyGroup::ArmedForces, false),
    (
        &["ban", "chi", "huy", "quan", "su", "cac", "xa"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["ban", "chi", "huy", "quan", "su", "cac", "phuong"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["ban", "chi", "huy", "quan", "su", "xa"],
        AgencyGroup::ArmedForces,
        false,
    ),
    (
        &["doanh", "nghiep", "nha", "nuoc"],
        AgencyGroup::Enterprises,
        false,
    ),
    (&["doanh", "nghiep"], AgencyGroup::Enterprises, true),
    (
        &[
            "mat", "tran", "to", "quoc", "viet", "nam", "va", "cac", "to", "chuc", "chinh", "tri",
            "xa", "hoi",
        ],
        AgencyGroup::MassOrganisations,
        false,
    ),
    (
        &[
            "mat", "tran", "to", "quoc", "va", "cac", "to", "chuc", "chinh", "tri", "xa", "hoi",
        ],
        AgencyGroup::MassOrganisations,
        false,
    ),
    (
        &["to", "chuc", "chinh", "tri", "xa", "hoi"],
        AgencyGroup::MassOrganisations,
        false,
    ),
    (
        &["doan", "the", "chinh", "tri", "xa", "hoi"],
        AgencyGroup::MassOrganisations,
        false,
    ),
    (
        &["hoi", "doan", "the"],
        AgencyGroup::MassOrganisations,
        false,
    ),
    (&["doan", "the"], AgencyGroup::MassOrganisations, true),
    (
        &["to", "chuc", "hoi"],
        AgencyGroup::MassOrganisations,
        false,
    ),
    (&["hoi"], AgencyGroup::MassOrganisations, true),
    (&["truong", "hoc"], AgencyGroup::Schools, false),
    (&["co", "so", "giao", "duc"], AgencyGroup::Schools, false),
    (&["co", "so", "dao", "tao"], AgencyGroup::Schools, false),
    (&["truong"], AgencyGroup::Schools, true),
];

/// The longest phrase group at `i` (after an optional `các`/`những`).
fn phrase_group_at(toks: &[Tok], i: usize, cac: bool) -> Option<(usize, AgencyGroup)> {
    let mut best: Option<(usize, AgencyGroup)> = None;
    for (words, group, needs_cac) in PHRASE_GROUPS {
        if *needs_cac && !cac {
            continue;
        }
        if let Some(k) = seq(toks, i, words) {
            if best.is_none_or(|(b, _)| k > b) {
                best = Some((k, *group));
            }
        }
    }
    best
}

/// `các đơn vị sự nghiệp công lập`, `lực lượng vũ trang tỉnh`, `các trường học, cơ sở giáo dục`,
/// `công an các xã, phường`: one group, with further phrases of the same group joined by `,` or
/// `và`, and the commune kinds after a commune-level police phrase.
fn match_phrase_group(text: &str, toks: &[Tok], i: usize) -> Option<Match> {
    let mut j = i;
    let cac = tok_is(toks, j, "cac") || tok_is(toks, j, "nhung");
    if cac {
        j += 1;
    }
    if j > i && !space_or_comma(toks, j) {
        return None;
    }
    let (mut j, group) = phrase_group_at(toks, j, cac)?;
    loop {
        // "công an các xã, phường, đặc khu"
        let next_kind = (tok_is(toks, j, "xa") || tok_is(toks, j, "phuong"))
            .then_some(j + 1)
            .or_else(|| seq(toks, j, &["dac", "khu"]))
            .or_else(|| seq(toks, j, &["thi", "tran"]));
        let prev = j.checked_sub(1).and_then(|p| toks.get(p)).map(Tok::word);
        if matches!(prev, Some("xa" | "phuong" | "khu" | "tran")) && space_or_comma(toks, j) {
            if let Some(k) = next_kind {
                j = k;
                continue;
            }
        }
        // "các trường học, cơ sở giáo dục", "các hội, đoàn thể"
        let after_sep = if tok_is(toks, j, "va") && toks.get(j).is_some_and(|t| t.sep == Sep::Space)
        {
            Some(j + 1)
        } else if toks.get(j).is_some_and(|t| t.sep == Sep::Comma) {
            Some(j)
        } else {
            None
        };
        let more = after_sep.and_then(|k| {
            let k = if tok_is(toks, k, "cac") { k + 1 } else { k };
            phrase_group_at(toks, k, true).filter(|(_, g)| *g == group)
        });
        match more {
            Some((k, _)) => j = k,
            None => break,
        }
    }
    // "Công an xã Long Phú": one named unit, not the group.
    let last = j.checked_sub(1).and_then(|p| toks.get(p)).map(Tok::word);
    if matches!(last, Some("xa" | "phuong" | "khu" | "tran"))
        && toks.get(j).is_some_and(|t| t.cap && t.sep == Sep::Space)
    {
        return None;
    }
    let j = group_suffix(toks, j);
    Some(group_match(text, toks, i, j, group))
}

/// The longest recognised party at token `i`. A group keeps its qualifier (`có liên quan`,
/// `trên địa bàn tỉnh`): it says which members are meant.
fn best_at(text: &str, toks: &[Tok], i: usize) -> Option<Match> {
    let cands = [
        match_agency(text, toks, i),
        match_named_commune(text, toks, i),
        match_departments(text, toks, i),
        match_communes(text, toks, i),
        match_press(text, toks, i),
        match_related(text, toks, i),
        match_phrase_group(text, toks, i),
    ];
    let mut best: Option<Match> = None;
    for m in cands.into_iter().flatten() {
        if best.as_ref().is_none_or(|b| m.end_tok > b.end_tok) {
            best = Some(m);
        }
    }
    if let Some(m) = best.as_mut() {
        if matches!(m.made, Made::Group(_)) {
            m.end_tok = skip_filler(toks, m.end_tok);
        }
    }
    best
}

/// Skips a role word (`Thủ trưởng`, `Chủ tịch`) when a party follows it.
fn after_role(toks: &[Tok], i: usize) -> usize {
    for r in ROLES {
        if let Some(j) = seq(toks, i, r) {
            if toks.get(j).is_some_and(|t| t.sep == Sep::Space) {
                return j;
            }
        }
    }
    i
}

/// Words after a party that do not end a list: `khác`, `có liên quan`, `trên địa bàn tỉnh`,
/// `tại địa phương`.
fn skip_filler(toks: &[Tok], mut j: usize) -> usize {
    loop {
        let t = match toks.get(j) {
            Some(t) if matches!(t.sep, Sep::Space | Sep::Comma) => t,
            _ => return j,
        };
        if t.is("khac") {
            j += 1;
            continue;
        }
        if let Some(k) = seq(toks, j, &["co", "lien", "quan"]) {
            j = k;
            continue;
        }
        if let Some(k) = seq(toks, j, &["tren", "dia", "ban"])
            .or_else(|| seq(toks, j, &["tai", "dia", "phuong"]))
        {
            j = k;
            if let Some((k2, _)) = level(toks, j) {
                j = place(toks, k2).unwrap_or(k2);
            } else if let Some(k2) = seq(toks, j, &["quan", "ly"]) {
                j = k2;
            }
            continue;
        }
        return j;
    }
}

/// Reads the list of parties at the start of `text` (the subject of a sentence, or a whole field
/// value): parties joined by `,`, `;` or `và`, up to the first words that are not a party.
///
/// With `strict`, a chunk that looks like an agency name but is not recognised (`Ban Quản lý dự
/// án X`) is kept as an agency and flagged `unknown`; otherwise reading stops there.
pub(crate) fn leading(text: &str, strict: bool) -> (Vec<Found>, usize) {
    let toks = tokenize(text);
    let mut out = Vec::new();
    let mut i = 0;
    let mut stop_byte = 0;
    // Role words and a leading "Giao" (assigning a task) may precede the first party.
    if tok_is(&toks, 0, "giao") {
        i = 1;
    } else if tok_is(&toks, 0, "de") && tok_is(&toks, 1, "nghi") {
        // "Đề nghị X ...": a request to a body the issuer does not direct.
        i = 2;
    }
    while i < toks.len() {
        // A role word may be a name's first word (`Trưởng`, `Trường`: `Trường Chính trị tỉnh`):
        // the name without it is tried first, then the name with it.
        let mut j0 = after_role(&toks, i);
        let mut m = best_at(text, &toks, j0);
        if m.is_none() && j0 != i {
            j0 = i;
            m = best_at(text, &toks, i);
        }
        let end_tok = if let Some(m) = m {
            let end_tok = m.end_tok;
            out.push(Found {
                start: toks[j0].start,
                end: toks[end_tok - 1].end,
                agency: m.build(text, &toks, j0),
                unknown: false,
            });
            end_tok
        } else if strict && HEADS.contains(&toks[i].word()) && toks[i].cap {
            // Unknown agency-like chunk: up to the next list separator.
            let mut k = i + 1;
            while let Some(t) = toks.get(k) {
                if !matches!(t.sep, Sep::Space) || (t.is("va") && t.sep == Sep::Space) {
                    break;
                }
                k += 1;
            }
            let name = normalize_text(&text[toks[i].start..toks[k - 1].end]);
            out.push(Found {
                agency: AgencyRef::Agency { name, text: None },
                start: toks[i].start,
                end: toks[k - 1].end,
                unknown: true,
            });
            k
        } else {
            break;
        };
        stop_byte = toks[end_tok - 1].end;
        let mut j = skip_filler(&toks, end_tok);
        if j > end_tok {
            stop_byte = toks[j - 1].end;
        }
        // Separator to the next party.
        match toks.get(j) {
            Some(t) if matches!(t.sep, Sep::Comma | Sep::Semicolon) => {}
            Some(t) if (t.is("va") || t.is("voi")) && t.sep == Sep::Space => {
                j += 1;
            }
            _ => break,
        }
        i = j;
    }
    (out, stop_byte)
}

/// Every recognised party in `text`, left to right (for recipients and free prose).
pub(crate) fn scan(text: &str) -> Vec<Found> {
    let toks = tokenize(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // "tại địa phương" is not a party.
        if let Some(k) = seq(&toks, i, &["tai", "dia", "phuong"])
            .or_else(|| seq(&toks, i, &["tren", "dia", "ban"]))
        {
            i = k;
            continue;
        }
        if let Some(m) = best_at(text, &toks, i) {
            let end_tok = m.end_tok;
            out.push(Found {
                start: toks[i].start,
                end: toks[end_tok - 1].end,
                agency: m.build(text, &toks, i),
                unknown: false,
            });
            i = end_tok;
        } else {
            i += 1;
        }
    }
    out
}

/// Where a report goes, read from one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub recipient: AgencyRef,
    pub via: Option<AgencyRef>,
    /// `để tổng hợp, báo cáo Z`: where the recipient sends the summary on.
    pub onward: Option<AgencyRef>,
    /// Other bodies the sentence sends the same report to, when the recipient was chosen among
    /// several (the caller warns).
    pub others: Vec<AgencyRef>,
    /// Bodies listed with the recipient (`về Sở Tư pháp và Công an tỉnh`).
    pub also_to: Vec<AgencyRef>,
    /// Bodies listed with the onward one.
    pub onward_also: Vec<AgencyRef>,
}

impl Route {
    pub fn into_reporting(self) -> crate::model::Reporting {
        crate::model::Reporting {
            recipient: self.recipient,
            via: self.via,
            onward: self.onward,
            also_to: self.also_to,
            onward_also: self.onward_also,
        }
    }
}

/// A party the report is sent to: a party right after a reporting verb, or after a direction
/// word (`về`, `lên`, `đến`, `tới`, `cho`) that follows the verb, however many words stand
/// between (`báo cáo kết quả thực hiện Kế hoạch ... về X`).
#[derive(Debug, Clone)]
struct Candidate {
    found: Found,
    /// Byte offset of the verb that sends the report to it.
    verb: usize,
}

/// Byte offsets (in `text`) just after each whole-word reporting verb.
fn verb_ends(text: &str, f: &Folded<'_>) -> Vec<usize> {
    let mut verbs: Vec<usize> = folded_verb_ends(&f.s)
        .map(|b| f.orig_pos(b).min(text.len()))
        .collect();
    verbs.sort_unstable();
    verbs
}

/// End offsets, in folded text, of the report verbs (`báo cáo`, `gửi`, `nộp`) written as words.
fn folded_verb_ends(s: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = s.as_bytes();
    ["bao cao", "gui", "nop"].into_iter().flat_map(move |v| {
        s.match_indices(v).filter_map(move |(a, _)| {
            let b = a + v.len();
            let left_ok = a == 0 || !bytes[a - 1].is_ascii_alphanumeric();
            let right_ok = b >= bytes.len() || !bytes[b].is_ascii_alphanumeric();
            (left_ok && right_ok).then_some(b)
        })
    })
}

/// Whether [`folded_verb_ends`] finds a verb in `s`, in one pass over the bytes: each byte that
/// can start a verb (`b`, `g`, `n`) is looked at, instead of three searches of the whole text.
/// The verbs cannot overlap themselves, so every whole-word occurrence is one that
/// `match_indices` finds.
fn has_folded_verb(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.iter().enumerate().any(|(a, &x)| {
        let v: &[u8] = match x {
            b'b' => b"bao cao",
            b'g' => b"gui",
            b'n' => b"nop",
            _ => return false,
        };
        let b = a + v.len();
        bytes.get(a..b) == Some(v)
            && (a == 0 || !bytes[a - 1].is_ascii_alphanumeric())
            && (b >= bytes.len() || !bytes[b].is_ascii_alphanumeric())
    })
}

/// [`has_folded_verb`] of [`fold`]`(text)`, without building the folded text: every text a task
/// asks for a route is checked (≈ 6,100 per read of the benchmark’s .docx, ≈ 280 with a verb),
/// and folding them all cost more than the routes read. While each character folds to one byte
/// (ASCII and the Vietnamese letters) the folded bytes are read as the text is; at the first
/// character that does not (a combining mark, a no-break space, a curly quote) the text is
/// folded and searched as before. The fold is per character, so the folded bytes read up to
/// there are those of the folded text.
fn has_verb(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let mut prev_alnum = false;
    while let Some(&x) = b.get(i) {
        // ASCII folds to its lower case; a letter of the table to a letter.
        let (f, len, alnum) = if x < 0x80 {
            (x | 0x20, 1, x.is_ascii_alphanumeric())
        } else {
            let Some((f, len)) = fold_byte_at(b, i) else {
                return has_folded_verb(&fold(text));
            };
            (f, len, true)
        };
        // `x | 0x20` is `b`, `g` or `n` for those letters in either case and for nothing else.
        if !prev_alnum && matches!(f, b'b' | b'g' | b'n') && verb_at(b, i, verb_of(f)) {
            return true;
        }
        prev_alnum = alnum;
        i += len;
    }
    false
}

/// The report verb that starts with folded letter `f` (`b`, `g` or `n`).
fn verb_of(f: u8) -> &'static [u8] {
    match f {
        b'b' => b"bao cao",
        b'g' => b"gui",
        _ => b"nop",
    }
}

/// Whether the folded text at byte `i` of `b` is `verb` ending a word. A character there that
/// does not fold to one byte answers no: the caller, reading on, reaches it and folds the text.
fn verb_at(b: &[u8], mut i: usize, verb: &[u8]) -> bool {
    for &want in verb {
        match fold_byte_at(b, i) {
            Some((f, len)) if f == want => i += len,
            _ => return false,
        }
    }
    match fold_byte_at(b, i) {
        Some((f, _)) => !f.is_ascii_alphanumeric(),
        None => i >= b.len(),
    }
}

/// Whether the words between a verb and a party send the report to the party.
fn directed_gap(gap: &str) -> bool {
    // An aside in parentheses between the verb and the direction word (`gửi báo cáo (bằng văn
    // bản) về X`) does not direct the report anywhere: it is left out; an open one is not.
    let outside = without_asides(gap);
    let Some(gap) = outside.as_deref() else {
        return false;
    };
    if gap.contains([';', '.', ':']) {
        return false;
    }
    let gf = fold(gap);
    let mut words: Vec<&str> = gf.split_whitespace().collect();
    // A role before the body is the body (`báo cáo Chủ tịch UBND tỉnh`, `về Giám đốc Công an
    // tỉnh`): the report goes to the body the person heads.
    if let Some(role) = ROLES.iter().find(|r| words.ends_with(r)) {
        words.truncate(words.len() - role.len());
    }
    // A direct object (`báo cáo UBND tỉnh`) has no words before it and no comma.
    if words.is_empty() {
        return !gap.contains(',');
    }
    let last_directed = words
        .last()
        .is_some_and(|w| matches!(*w, "ve" | "len" | "den" | "toi" | "cho" | "gui"));
    last_directed && words.len() <= 40
}

/// `s` without its balanced parenthesised asides; `None` when a parenthesis is left open or
/// closes one that was not opened.
fn without_asides(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1)?,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    (depth == 0).then_some(out)
}

/// Where the sentence that holds `from` ends: the first `;`, or `.` before a space or the end
/// (not the dot of `20.4.2026`), outside parentheses.
fn sentence_end(text: &str, from: usize) -> usize {
    let mut depth = 0i32;
    let rest = text.get(from..).unwrap_or("");
    let mut it = rest.char_indices().peekable();
    while let Some((k, c)) = it.next() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ';' if depth <= 0 => return from + k,
            '.' if depth <= 0 && it.peek().is_none_or(|(_, n)| n.is_whitespace()) => {
                return from + k
            }
            _ => {}
        }
    }
    text.len()
}

/// Who results go to, via whom, and on to whom, from words such as `báo cáo kết quả thực hiện
/// về Ủy ban nhân dân tỉnh (qua Công an tỉnh) để tổng hợp, báo cáo Bộ Công an` or `gửi về Công an
/// tỉnh (qua Phòng ...)`.
pub(crate) fn reporting(text: &str) -> Option<Route> {
    // Most texts hold no report verb: the text alone says so, without the offset map.
    if !has_verb(text) {
        return None;
    }
    let f = Folded::new(text);
    let verbs = verb_ends(text, &f);
    // Recipients stand after a verb: scanning starts after the first one.
    let from = *verbs.first()?;
    let mut found = scan(&text[from..]);
    for x in found.iter_mut() {
        x.start += from;
        x.end += from;
    }
    // Each verb sends to the first party after it, when the words between direct it there.
    // Verbs and parties are in text order, so one pass keeps the parenthesis depth; candidates
    // after the first are looked for up to the end of its sentence.
    let mut cands: Vec<Candidate> = Vec::new();
    let mut depth = 0i64;
    let mut depth_at = 0usize;
    let mut limit = text.len();
    for &ve in &verbs {
        if ve >= limit {
            break;
        }
        let mut k = found.partition_point(|x| x.start < ve);
        // The first party after the verb outside parentheses: one inside (`gửi báo cáo (thông
        // qua Công an tỉnh) về UBND tỉnh`) is an aside, read as the via.
        let cand = loop {
            let Some(cand) = found.get(k) else {
                break None;
            };
            let seg = text.get(depth_at..cand.start).unwrap_or("");
            depth += seg.matches('(').count() as i64 - seg.matches(')').count() as i64;
            depth_at = depth_at.max(cand.start);
            if depth <= 0 {
                break Some(cand);
            }
            k += 1;
        };
        let Some(cand) = cand else {
            break;
        };
        if !directed_gap(text.get(ve..cand.start).unwrap_or(",")) {
            continue;
        }
        if cands.is_empty() {
            limit = sentence_end(text, cand.end);
        }
        if !cands.iter().any(|c| c.found.start == cand.start) {
            cands.push(Candidate {
                found: cand.clone(),
                verb: ve,
            });
        }
    }
    let first = cands.first()?.clone();
    // `(qua Y)` after the recipient, or written before it, after the verb (`báo cáo kết quả
    // (qua Công an tỉnh) ... để tổng hợp báo cáo UBND tỉnh`).
    let via = via_after(text, first.found.end).or_else(|| {
        let gap = text.get(from..first.found.start)?;
        gap.match_indices('(')
            .find_map(|(k, _)| via_after(text, from + k))
    });
    // `để tổng hợp(,) báo cáo Z`, `để tập hợp, tham mưu ... báo cáo Z`: a later candidate whose
    // verb follows the recipient's own work on the report is where the recipient reports on to,
    // not a second recipient.
    let mut onward: Option<AgencyRef> = None;
    let mut onward_at: Option<usize> = None;
    let mut others: Vec<AgencyRef> = Vec::new();
    let key = fold(first.found.agency.name());
    for c in cands.iter().skip(1) {
        let between = fold(text.get(first.found.end..c.verb).unwrap_or(""));
        let same = fold(c.found.agency.name()) == key;
        let passes_on = ["tong hop", "tap hop", "tham muu"]
            .iter()
            .any(|w| between.contains(w));
        if onward.is_none() && passes_on {
            onward = Some(c.found.agency.clone());
            onward_at = Some(c.found.start);
        } else if !same
            && !others
                .iter()
                .any(|o| fold(o.name()) == fold(c.found.agency.name()))
        {
            others.push(c.found.agency.clone());
        }
    }
    let listed = |at: usize| -> Vec<AgencyRef> {
        let k = found.partition_point(|x| x.start < at);
        listed_with(text, &found, k)
    };
    let also_to = listed(first.found.start);
    let onward_also = onward_at.map(listed).unwrap_or_default();
    let keys: Vec<String> = std::iter::once(&first.found.agency)
        .chain(&also_to)
        .chain(&onward_also)
        .map(|a| fold(a.name()))
        .collect();
    // A body listed with the recipient is not another recipient chosen against.
    others.retain(|o| !keys.contains(&fold(o.name())));
    Some(Route {
        recipient: first.found.agency,
        via,
        onward,
        others,
        also_to,
        onward_also,
    })
}

/// The parties listed right after `found[k]`, joined to it by `,`, `;` or `và` and nothing else
/// (`UBND tỉnh và Bộ Công an`); a party followed by words that make it a sentence's subject
/// (`..., Sở Tư pháp phối hợp ...`) ends the list without it.
fn listed_with(text: &str, found: &[Found], k: usize) -> Vec<AgencyRef> {
    let mut out = Vec::new();
    let mut end = match found.get(k) {
        Some(f) => f.end,
        None => return out,
    };
    for next in found.iter().skip(k + 1) {
        let gap = fold(text.get(end..next.start).unwrap_or("x"));
        let gap = gap.trim();
        let joined = matches!(gap, "," | ";" | "va" | ", va" | "; va");
        if !joined {
            break;
        }
        let after = fold(head_words(text.get(next.end..).unwrap_or(""), 3));
        // A verb after it (not an adverbial: `trước ngày ...`, `theo quy định`).
        let adverbial = ["theo", "trong", "truoc", "sau khi", "can cu"];
        if PROSE
            .iter()
            .any(|w| !adverbial.contains(w) && starts_with_word(&after, w))
            || starts_with_word(&after, "tong hop")
            || starts_with_word(&after, "co trach nhiem")
        {
            break;
        }
        out.push(next.agency.clone());
        end = next.end;
    }
    out
}

/// `s` starts with the word(s) `w`.
fn starts_with_word(s: &str, w: &str) -> bool {
    s.starts_with(w)
        && !s
            .as_bytes()
            .get(w.len())
            .is_some_and(u8::is_ascii_alphanumeric)
}

/// The first `n` words of `s`.
fn head_words(s: &str, n: usize) -> &str {
    let s = s.trim_start();
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            seen += 1;
            if seen == n {
                return &s[..i];
            }
        }
    }
    s
}

/// `(qua X)` or `qua X` right after a recipient.
fn via_after(text: &str, at: usize) -> Option<AgencyRef> {
    let rest = text.get(at..)?.trim_start();
    let (inner, paren) = match rest.strip_prefix('(') {
        Some(r) => (&r[..r.find(')').unwrap_or(r.len())], true),
        None => (rest, false),
    };
    let mut inner = inner.trim_start();
    // "(thông qua X)" as well as "(qua X)".
    if fold_starts_with(inner, "thong qua ") {
        let sp = inner.find(char::is_whitespace)?;
        inner = inner[sp..].trim_start();
    }
    if !fold_starts_with(inner, "qua ") {
        return None;
    }
    let sp = inner.find(char::is_whitespace)?;
    let body = inner[sp..].trim_start();
    let body = if paren {
        body
    } else {
        &body[..body.find([',', ';', '.']).unwrap_or(body.len())]
    };
    let found = scan(body);
    if let Some(first) = found.first() {
        if body[..first.start].trim().is_empty() {
            return Some(first.agency.clone());
        }
    }
    let name = body[..body.find([',', ';']).unwrap_or(body.len())].trim();
    (!name.is_empty()).then(|| AgencyRef::Agency {
        name: normalize_text(name),
        text: None,
    })
}

/// Parses a list of parties as written in a plan field, e.g. `Công an tỉnh; Sở Tư pháp; Sở Văn
/// hóa, Thể thao và Du lịch` or `Các sở, ban, ngành tỉnh, UBND các xã, phường và các cơ quan, đơn
/// vị có liên quan`.
///
/// Each `;`-separated part is read from its start; reading stops at words that are not a party
/// (the rest of a sentence whose subject the parties are). Names not in the gazetteer but shaped
/// like agencies (`Ban Quản lý ...`) are kept as written.
pub fn recognize_agencies(text: &str) -> Vec<AgencyRef> {
    list(&clean_inline(text))
        .0
        .into_iter()
        .map(|f| f.agency)
        .collect()
}

/// [`recognize_agencies`], keeping positions; also returns the text left over in each part that
/// is neither a party nor a filler, when that text looks like a list item rather than prose.
pub(crate) fn list(text: &str) -> (Vec<Found>, Vec<String>) {
    let mut out: Vec<Found> = Vec::new();
    let mut leftovers = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut keep = |f: Found, out: &mut Vec<Found>| {
        let key = fold(f.agency.name());
        if !keys.contains(&key) {
            keys.push(key);
            out.push(f);
        }
    };
    let mut offset = 0;
    for part in text.split(';') {
        // A list is never cut short: an item that is not recognised but stands between list
        // separators and reads like a name is kept verbatim (flagged unknown), and reading goes on.
        let mut pos = 0;
        // Real lists name a few dozen parties; the cap keeps a pathological field linear
        // (what is left is reported, not dropped).
        let mut unknown_items = 0;
        // A plural group that heads an enumeration (`các Sở: Tư pháp, Nội vụ`): its position in
        // `out`, and whether a member was read from it (then the members stand for it).
        let mut heading: Option<(usize, bool)> = None;
        loop {
            let sub = part.get(pos..).unwrap_or("");
            let (mut found, mut stop) = leading(sub, true);
            if let Some(last) = found.last_mut() {
                if let Some(end) =
                    group_qualifier(sub, stop, last).or_else(|| unit_parent(sub, stop, last))
                {
                    stop = end;
                }
            }
            let any = !found.is_empty();
            for mut f in found {
                f.start += offset + pos;
                f.end += offset + pos;
                keep(f, &mut out);
            }
            let rest_at = if any { pos + stop } else { pos };
            let rest = part.get(rest_at..).unwrap_or("");
            match unknown_item(rest, any).filter(|_| unknown_items < MAX_UNKNOWN_ITEMS) {
                Some(item) => {
                    let name = normalize_text(rest.get(item.start..item.end).unwrap_or(""));
                    let (agency, unknown) = match distributed(out.last(), &name) {
                        Some(a) => {
                            heading = heading.map(|(k, _)| (k, true));
                            (a, false)
                        }
                        None => {
                            unknown_items += 1;
                            (AgencyRef::Agency { name, text: None }, true)
                        }
                    };
                    keep(
                        Found {
                            agency,
                            start: offset + rest_at + item.start,
                            end: offset + rest_at + item.end,
                            unknown,
                        },
                        &mut out,
                    );
                    // Reading goes on at the next item, after its separator.
                    match skip_separator(rest, item.next) {
                        Some(next) => pos = rest_at + next,
                        None => break,
                    }
                }
                None if heading.is_none() && colon_list(rest, out.last()).is_some() => {
                    heading = Some((out.len() - 1, false));
                    pos = rest_at + colon_list(rest, out.last()).unwrap_or(rest.len());
                }
                None => {
                    // Words at an item's start, or after a separator that follows a party,
                    // that name no party: the list is cut short there, and the caller says so.
                    // Words glued to the last party (`Sở Y tế làm đầu mối`) are reported too;
                    // a parenthesis after a name (`Công an tỉnh (Phòng An ninh mạng)`) only
                    // says which part of it acts.
                    let rest_trim = rest.trim_matches(|c: char| !c.is_alphanumeric());
                    let glued = rest.trim_start().chars().next().is_some_and(is_word_char);
                    // Glued words that read as the rest of a sentence (`Công an tỉnh rà soát
                    // các văn bản ...`) end the list, as before; a short fragment (`Sở Y tế
                    // làm đầu mối`, a missing comma) is said and the list goes on after it.
                    let chunk_end = if any && glued { item_end(rest) } else { 0 };
                    let words = rest[..chunk_end].trim_matches(|c: char| !c.is_alphanumeric());
                    // `các Sở Tư pháp, Nội vụ`: the plural group's first body, glued to it.
                    let member = any
                        .then(|| out.last())
                        .flatten()
                        .filter(|l| matches!(l.agency, AgencyRef::Group { .. }))
                        .and_then(|l| distributed(Some(l), words));
                    if let (Some(agency), Some(last)) = (member, out.last_mut()) {
                        last.agency = agency;
                        last.end = offset + rest_at + chunk_end;
                        match skip_separator(rest, chunk_end) {
                            Some(next) => {
                                pos = rest_at + next;
                                continue;
                            }
                            None => break,
                        }
                    }
                    if any && glued && unknown_items < MAX_UNKNOWN_ITEMS && !reads_as_prose(words) {
                        unknown_items += 1;
                        if !words.is_empty() {
                            leftovers.push(normalize_text(words));
                        }
                        match skip_separator(rest, chunk_end) {
                            Some(next) => {
                                pos = rest_at + next;
                                continue;
                            }
                            None => break,
                        }
                    }
                    // A colon after a party introduces words the list does not read: said.
                    let colon = rest.trim_start().starts_with(':');
                    // A sentence glued to the list is its work, left out; one that names other
                    // parties (`Công an tỉnh tham mưu UBND tỉnh, Sở Tư pháp thẩm định`) is said,
                    // so no party is left out in silence.
                    let names_parties = || any && glued && !scan(rest).is_empty();
                    if !rest_trim.is_empty()
                        && (!any || colon || starts_with_separator(rest) || names_parties())
                    {
                        leftovers.push(normalize_text(rest_trim));
                    }
                    break;
                }
            }
        }
        if let Some((k, true)) = heading {
            if k < out.len() {
                out.remove(k);
            }
        }
        offset += part.len() + 1;
    }
    (out, leftovers)
}

/// The head noun of a body or a plural group (`Sở Tư pháp`, `các Sở`), which an enumeration
/// leaves out of the names after it (`Sở Tư pháp, Nội vụ`; `các Sở: Tư pháp, Nội vụ`).
fn head_noun(name: &str) -> Option<&'static str> {
    let f = fold(name);
    let f = f.strip_prefix("cac ").unwrap_or(&f);
    [
        ("so", "Sở"),
        ("ban", "Ban"),
        ("hoi", "Hội"),
        ("phong", "Phòng"),
        ("chi cuc", "Chi cục"),
        ("trung tam", "Trung tâm"),
    ]
    .into_iter()
    .find(|(k, _)| f == *k || f.strip_prefix(k).is_some_and(|r| r.starts_with(' ')))
    .map(|(_, head)| head)
}

/// `name`, written without the head noun of the party before it, as the known body that noun
/// makes of it (`Nội vụ` after `Sở Tư pháp` or `các Sở:` is `Sở Nội vụ`); `None` unless the
/// whole of it names exactly one body in the gazetteer.
fn distributed(prev: Option<&Found>, name: &str) -> Option<AgencyRef> {
    let head = head_noun(prev?.agency.name())?;
    if head_noun(name).is_some() {
        return None;
    }
    let candidate = format!("{head} {name}");
    let (found, stop) = leading(&candidate, false);
    match found.as_slice() {
        [f] if !f.unknown && stop >= candidate.trim_end().len() => Some(f.agency.clone()),
        _ => None,
    }
}

/// Where the enumeration after a plural group's colon starts (`các Sở: Tư pháp, ...`), when
/// its first name is one of the group's bodies.
fn colon_list(rest: &str, prev: Option<&Found>) -> Option<usize> {
    let prev = prev?;
    if !matches!(prev.agency, AgencyRef::Group { .. }) {
        return None;
    }
    let lead = rest.len() - rest.trim_start().len();
    let after = rest.get(lead..)?.strip_prefix(':')?;
    let first = after
        .split([',', ';'])
        .next()
        .map(|x| x.split(" và ").next().unwrap_or(x))
        .unwrap_or("")
        .trim()
        .trim_end_matches('.');
    distributed(Some(prev), first)?;
    Some(lead + 1)
}

/// A group's qualifier written after it (`các doanh nghiệp viễn thông`, `các trường đại học`):
/// the words up to the next list separator, when they name no party and read as no sentence.
/// It says which members are meant, so it is kept in the group's text (as `có liên quan` and
/// `trên địa bàn tỉnh` are); returns where the group now ends in `sub`.
fn group_qualifier(sub: &str, stop: usize, last: &mut Found) -> Option<usize> {
    let AgencyRef::Group { group, .. } = &last.agency else {
        return None;
    };
    let rest = sub.get(stop..)?;
    if !rest.starts_with(' ') || !rest.trim_start().chars().next().is_some_and(is_word_char) {
        return None;
    }
    let lead = rest.len() - rest.trim_start().len();
    let body = &rest[lead..];
    if starts_with_va(body) || fold(body.split(' ').next().unwrap_or("")) == "voi" {
        return None;
    }
    let mut len = body
        .find([',', ';', '(', ')', '.', ':'])
        .unwrap_or(body.len());
    if let Some(va) = body[..len]
        .char_indices()
        .find(|&(k, c)| c.is_whitespace() && starts_with_va(&body[k..]))
    {
        len = va.0;
    }
    let words = body[..len].trim_end();
    // A qualifier never starts another party (`các doanh nghiệp Sở Y tế`).
    if words.is_empty()
        || reads_as_prose(words)
        || words.chars().next().is_some_and(char::is_uppercase)
        || !leading(words, false).0.is_empty()
    {
        return None;
    }
    let end = stop + lead + words.len();
    last.agency = group_ref(*group, normalize_text(sub.get(last.start..end)?));
    last.end = end;
    Some(end)
}

/// More than a dozen words, a verb or adverbial of [`PROSE`], or a number: a sentence's words.
fn reads_as_prose(words: &str) -> bool {
    if words.split_whitespace().nth(12).is_some() || words.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    let folded = format!(" {} ", fold(words));
    PROSE.iter().any(|w| folded.contains(&format!(" {w} ")))
}

/// Where the list item that starts `s` ends: the first `,` or `;`, or ` và `, outside
/// parentheses (the length of `s` when none).
fn item_end(s: &str) -> usize {
    let mut depth = 0i32;
    for (k, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | ';' if depth <= 0 => return k,
            c if c.is_whitespace() && depth <= 0 && k > 0 && starts_with_va(&s[k..]) => return k,
            _ => {}
        }
    }
    s.len()
}

/// The body a unit belongs to, written after the unit's name (`Phòng An ninh mạng ... Công an
/// tỉnh`): part of how the unit is written, not a party of its own. Only after a unit (`Phòng`,
/// `Đội`, `Chi cục`, `Trung tâm`), so that two bodies with a comma missing between them
/// (`Sở Tư pháp Công an tỉnh`) stay two, the second one said in a warning.
fn unit_parent(sub: &str, stop: usize, last: &mut Found) -> Option<usize> {
    let AgencyRef::Agency { name, .. } = &last.agency else {
        return None;
    };
    let unit = ["phong ", "doi ", "chi cuc ", "trung tam "];
    if last.unknown || !unit.iter().any(|u| fold(name).starts_with(u)) {
        return None;
    }
    let rest = sub.get(stop..)?;
    if !rest.starts_with(' ') {
        return None;
    }
    let (parents, _) = leading(rest, false);
    let parent = parents.first()?;
    let end = parent.end;
    // The parent must stand right after the unit and end at a separator or the end.
    if parent.start != rest.len() - rest.trim_start().len()
        || !matches!(parent.agency, AgencyRef::Agency { .. })
        || rest[end..]
            .trim_start()
            .chars()
            .next()
            .is_some_and(is_word_char)
    {
        return None;
    }
    let end = stop + end;
    let written = normalize_text(sub.get(last.start..end)?);
    let name = name.clone();
    last.agency = AgencyRef::Agency {
        text: (written != name).then_some(written),
        name,
    };
    last.end = end;
    Some(end)
}

/// Unknown items read from one `;`-separated part of a list, at most.
const MAX_UNKNOWN_ITEMS: usize = 64;

/// An unrecognised list item: byte range of its words in the text given to [`unknown_item`], and
/// where reading goes on (the separator after it).
struct UnknownItem {
    start: usize,
    end: usize,
    next: usize,
}

/// The offset just after the `,` or `và` that follows `at` in `s` (after spaces), if any.
fn skip_separator(s: &str, at: usize) -> Option<usize> {
    let t = s.get(at..)?;
    let lead = t.len() - t.trim_start().len();
    let t = &t[lead..];
    if t.starts_with(',') {
        return Some(at + lead + 1);
    }
    if starts_with_va(t) {
        return Some(at + lead + t.find(char::is_whitespace)?);
    }
    None
}

/// The word `và` (`và`, `Và`, `VÀ` or `va`) then a space at the start of `s`, after spaces.
fn starts_with_va(s: &str) -> bool {
    // Compared as written, without folding: it runs at every space of a long list.
    let mut cs = s.trim_start().chars();
    matches!(
        (cs.next(), cs.next(), cs.next()),
        (Some('v' | 'V'), Some('a' | 'à' | 'A' | 'À'), Some(c)) if c.is_whitespace()
    )
}

/// `,` or `và` (after optional spaces) at the start of `s`.
fn starts_with_separator(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with(',') || starts_with_va(t)
}

/// Words that show a chunk is the rest of a sentence (a verb or an adverbial), not a name.
const PROSE: &[&str] = &[
    "chu tri",
    "phoi hop",
    "thuc hien",
    "tham muu",
    "trien khai",
    "ra soat",
    "bao cao",
    "theo doi",
    "huong dan",
    "chiu trach nhiem",
    "xay dung",
    "tuyen truyen",
    "kiem tra",
    "de xuat",
    "hoan thanh",
    "gui",
    "can cu",
    "theo",
    "trong",
    "truoc",
    "sau khi",
    "dam bao",
    "tang cuong",
    "nang cao",
    "tham gia",
    "ban hanh",
    "to chuc thuc hien",
    "cung cap",
];

/// Words that start a common noun naming a body (`các hợp tác xã`, `đơn vị ...`).
const NOUN_HEADS: &[&str] = &[
    "cac", "nhung", "co", "don", "to", "hoi", "truong", "trung", "ban", "phong", "doanh", "hop",
    "ngan", "benh", "vien", "quy", "chi", "doi", "lien", "tap", "tong", "cong",
];

/// The next list item of `rest` when it reads like a name: after a separator (when `need_sep`),
/// up to the next `,` or `và` outside parentheses, at most 12 words, starting with a capital or
/// a noun that names bodies, with no verb or date in it.
fn unknown_item(rest: &str, need_sep: bool) -> Option<UnknownItem> {
    let mut p = rest.len() - rest.trim_start().len();
    if need_sep {
        let t = rest.get(p..)?;
        if t.starts_with(',') {
            p += 1;
        } else if starts_with_va(t) {
            p += t.find(char::is_whitespace)?;
        } else {
            return None;
        }
    }
    let after_sep = rest.get(p..)?;
    let start = p + (after_sep.len() - after_sep.trim_start().len());
    let body = rest.get(start..)?;
    let mut depth = 0i32;
    let mut end = body.len();
    for (k, c) in body.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth <= 0 => {
                end = k;
                break;
            }
            c if c.is_whitespace() && depth <= 0 && starts_with_va(body.get(k..).unwrap_or("")) => {
                end = k;
                break;
            }
            _ => {}
        }
    }
    let chunk = body
        .get(..end)
        .unwrap_or("")
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ':'));
    let words: Vec<&str> = chunk.split_whitespace().collect();
    let first = words.first()?;
    let folded = format!(" {} ", fold(chunk));
    let first_folded = fold(first);
    let named = first.chars().next().is_some_and(char::is_uppercase)
        || NOUN_HEADS.contains(&first_folded.as_str());
    let prose = PROSE.iter().any(|w| folded.contains(&format!(" {w} ")))
        || chunk.chars().any(|c| c.is_ascii_digit());
    if words.len() > 12 || !named || prose {
        return None;
    }
    Some(UnknownItem {
        start,
        end: start + chunk.len(),
        next: start + end,
    })
}

/// One name on its own: `Some` when the whole text is one recognised party.
pub fn recognize_agency(name: &str) -> Option<AgencyRef> {
    let name = clean_inline(name);
    let name = name.as_str();
    let (found, stop) = leading(name, false);
    let rest = name.get(stop..).unwrap_or("");
    if found.len() == 1 && rest.trim_matches(|c: char| !c.is_alphanumeric()).is_empty() {
        found.into_iter().next().map(|f| f.agency)
    } else {
        None
    }
}

/// A stable, readable stage id from the stage's first party: `cong-an-thanh-pho`, `so-nganh`,
/// `xa-phuong`; `-2`, `-3`… when taken. Ids are what evidence names, so they must not depend
/// on bullet order alone.
pub fn stage_id<'a>(parties: &[AgencyRef], taken: impl Iterator<Item = &'a str> + Clone) -> String {
    let base = match parties.first() {
        None => "buoc".to_string(),
        Some(AgencyRef::Group { group, .. }) => match group {
            AgencyGroup::Departments => "so-nganh".to_string(),
            AgencyGroup::Communes => "xa-phuong".to_string(),
            AgencyGroup::Press => "bao-chi".to_string(),
            AgencyGroup::Related => "lien-quan".to_string(),
            AgencyGroup::PublicServiceUnits => "su-nghiep".to_string(),
            AgencyGroup::ArmedForces => "vu-trang".to_string(),
            AgencyGroup::Enterprises => "doanh-nghiep".to_string(),
            AgencyGroup::MassOrganisations => "doan-the".to_string(),
            AgencyGroup::Schools => "truong-hoc".to_string(),
        },
        Some(a) => crate::model::fold_key(a.name())
            .split(' ')
            .take(5)
            .collect::<Vec<_>>()
            .join("-"),
    };
    // One pass to count the ids already built on this base, so thousands of stages with the
    // same party stay linear per stage.
    let dash = format!("{base}-");
    let used = taken
        .clone()
        .filter(|t| *t == base || t.starts_with(&dash))
        .count();
    let mut n = used + 1;
    let mut id = if used == 0 {
        base.clone()
    } else {
        format!("{base}-{n}")
    };
    while used > 0 && taken.clone().any(|t| t == id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        recognize_agencies(s)
            .iter()
            .map(|a| match a {
                AgencyRef::Agency { name, .. } => name.clone(),
                AgencyRef::Group { group, name, .. } => format!("{group:?}:{name}"),
            })
            .collect()
    }

    /// `count` texts of fewer than `most` pieces each, drawn by an xorshift generator from `seed`
    /// (the same texts on every run): the k-th piece is picked by the bits from `first + step * k`.
    fn piece_texts<'a>(
        pieces: &'a [&'a str],
        mut seed: u64,
        count: usize,
        most: u64,
        (first, step): (u64, u64),
    ) -> impl Iterator<Item = String> + 'a {
        (0..count).map(move |_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (0..seed % most)
                .map(|k| pieces[((seed >> (first + step * k)) % pieces.len() as u64) as usize])
                .collect()
        })
    }

    /// The one-pass verb check answers as the three searches it stands in for, on texts built
    /// from the verbs, their first letters and what borders a word.
    #[test]
    fn verb_check_agrees_with_the_verb_search() {
        let pieces = [
            "bao cao", "gui", "nop", "b", "g", "n", "ao", "ui", "op", " ", "x", "1", ",", "c",
        ];
        for s in piece_texts(&pieces, 0x2545_f491_4f6c_dd1d, 20_000, 9, (8, 4)) {
            assert_eq!(
                has_folded_verb(&s),
                folded_verb_ends(&s).next().is_some(),
                "{s:?}"
            );
        }
    }

    /// The verb check on the unfolded text answers as the fold and the search it stands in for,
    /// on texts built from the verbs written in upper, lower and mixed case and with accents,
    /// what borders a word (letters, digits, Vietnamese letters, punctuation), and characters
    /// that do not fold to one byte (a combining mark, a no-break space, a curly quote, `ǅ`).
    #[test]
    fn verb_check_on_the_text_agrees_with_the_fold() {
        let pieces = [
            "báo cáo",
            "BÁO CÁO",
            "Báo Cáo",
            "bao cao",
            "gửi",
            "GỬI",
            "Gửi",
            "gui",
            "nộp",
            "NỘP",
            "b",
            "B",
            "g",
            "n",
            "N",
            "áo",
            "ao",
            "c",
            "C",
            "ui",
            "ửi",
            "op",
            "ộp",
            "p",
            " ",
            "x",
            "1",
            ",",
            "đ",
            "ă",
            "\u{301}",
            "\u{a0}",
            "“",
            "ǅ",
            "ǵ",
            "Ñ",
            "\n",
        ];
        let mut found = 0;
        for s in piece_texts(&pieces, 0x9e37_79b9_7f4a_7c15, 60_000, 8, (4, 6)) {
            let want = has_folded_verb(&fold(&s));
            found += usize::from(want);
            assert_eq!(has_verb(&s), want, "{s:?}");
        }
        // The texts hold verbs often enough that both answers are tested.
        assert!(found > 1_000, "{found}");
    }

    #[test]
    fn comma_names() {
        assert_eq!(
            names("Sở Tư pháp, Sở Văn hóa, Thể thao và Du lịch, Báo và Phát thanh, Truyền hình tỉnh, các sở, ban, ngành"),
            vec![
                "Sở Tư pháp",
                "Sở Văn hóa, Thể thao và Du lịch",
                "Báo và Phát thanh, Truyền hình tỉnh",
                "Departments:các sở, ban, ngành"
            ]
        );
    }

    #[test]
    fn subject_then_prose() {
        assert_eq!(
            names("Công an tỉnh rà soát các văn bản; các sở, ban, ngành tỉnh, UBND các xã, phường rà soát"),
            vec![
                "Công an tỉnh",
                "Departments:các sở, ban, ngành tỉnh",
                "Communes:UBND các xã, phường"
            ]
        );
    }
}
