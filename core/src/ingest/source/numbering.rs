//! Word's automatic numbering (`word/numbering.xml`, numbering attached to styles in
//! `word/styles.xml`) rebuilt into the labels a reader sees (`II.`, `1.`, `a)`, `-`): the XML of a
//! numbered paragraph holds only its text, never its label.
//!
//! The model follows ECMA-376 §17.9: an abstract numbering (`w:abstractNum`) defines up to nine
//! levels (start value, number format, label template such as `%1.` or `%2)`); a numbering
//! instance (`w:num`) points at one and may restart levels (`w:lvlOverride/w:startOverride`) or
//! replace them. Counters are kept per abstract numbering, as Word does: instances of one list
//! continue each other's counting unless they restart it. Advancing a level restarts the levels
//! below it.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::xml::{attr, local, XmlError};

/// Number format of a level (`w:numFmt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumFmt {
    Decimal,
    DecimalZero,
    UpperRoman,
    LowerRoman,
    UpperLetter,
    LowerLetter,
    Bullet,
    None,
}

impl NumFmt {
    fn from_val(v: &str) -> NumFmt {
        match v {
            "upperRoman" => NumFmt::UpperRoman,
            "lowerRoman" => NumFmt::LowerRoman,
            "upperLetter" => NumFmt::UpperLetter,
            "lowerLetter" => NumFmt::LowerLetter,
            "bullet" => NumFmt::Bullet,
            "none" => NumFmt::None,
            "decimalZero" => NumFmt::DecimalZero,
            // decimal and every other counting format (ordinal, cardinalText, ...) read as numbers.
            _ => NumFmt::Decimal,
        }
    }

    fn format(self, n: u32) -> String {
        match self {
            NumFmt::Decimal | NumFmt::Bullet => n.to_string(),
            NumFmt::DecimalZero => format!("{n:02}"),
            NumFmt::UpperRoman => roman(n),
            NumFmt::LowerRoman => roman(n).to_lowercase(),
            NumFmt::UpperLetter => letters(n).to_uppercase(),
            NumFmt::LowerLetter => letters(n),
            NumFmt::None => String::new(),
        }
    }
}

/// Roman numeral of `n` (1..=3999; other values as decimal).
fn roman(n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    let mut rest = n;
    for (value, digits) in TABLE {
        while rest >= value {
            out.push_str(digits);
            rest -= value;
        }
    }
    out
}

/// Word's letter numbering: a..z, then aa..zz, aaa... (the letter repeated).
fn letters(n: u32) -> String {
    if n == 0 {
        return "0".to_string();
    }
    let k = (n - 1) % 26;
    let times = (n - 1) / 26 + 1;
    let c = char::from(b'a' + u8::try_from(k).unwrap_or(0));
    std::iter::repeat_n(c, usize::try_from(times.min(10)).unwrap_or(1)).collect()
}

/// One level of a list (`w:lvl`).
#[derive(Debug, Clone)]
struct Level {
    start: u32,
    fmt: NumFmt,
    /// Label template: `%1.`, `%1.%2.`, `%3)`, or the bullet character.
    text: String,
    /// `w:isLgl`: the numbers of all levels in this label are shown as decimals.
    legal: bool,
    /// What follows the label (`w:suff`): a tab or a space are both a space here; `nothing`.
    space_after: bool,
    /// `w:lvlRestart`: restart after this (1-based) level advances; 0 = never.
    restart_after: Option<u32>,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 1,
            fmt: NumFmt::Decimal,
            text: String::new(),
            legal: false,
            space_after: true,
            restart_after: None,
        }
    }
}

const LEVELS: usize = 9;

/// An abstract numbering: its levels.
#[derive(Debug, Clone, Default)]
struct Abstract {
    levels: HashMap<u8, Level>,
}

/// A numbering instance (`w:num`).
#[derive(Debug, Clone, Default)]
struct Instance {
    abstract_id: String,
    /// `w:startOverride` per level: the level restarts at this value the first time the
    /// instance is used.
    start_overrides: HashMap<u8, u32>,
    /// Levels replaced by the instance (`w:lvlOverride/w:lvl`).
    levels: HashMap<u8, Level>,
}

/// Numbering attached to a paragraph style (`w:style/w:pPr/w:numPr`), with its parent style.
#[derive(Debug, Clone, Default)]
struct StyleNum {
    num_id: Option<String>,
    ilvl: Option<u8>,
    based_on: Option<String>,
}

/// The numbering definitions of a document and the running counters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, Abstract>,
    instances: HashMap<String, Instance>,
    styles: HashMap<String, StyleNum>,
    /// Per abstract numbering: the last number shown at each level (`None`: not started).
    counters: HashMap<String, [Option<u32>; LEVELS]>,
    /// Instances already used (their start overrides are applied on first use only).
    used: std::collections::HashSet<String>,
}

/// The numbering of one paragraph, as written in its properties or its style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NumRef {
    pub num_id: Option<String>,
    pub ilvl: Option<u8>,
}

impl Numbering {
    /// Reads `word/numbering.xml` (absent: `None`).
    pub fn read(numbering_xml: Option<&[u8]>, styles_xml: Option<&[u8]>) -> Result<Self, XmlError> {
        let mut n = Numbering::default();
        if let Some(xml) = numbering_xml {
            n.read_numbering(xml)?;
        }
        if let Some(xml) = styles_xml {
            n.read_styles(xml)?;
        }
        Ok(n)
    }

    fn read_numbering(&mut self, xml: &[u8]) -> Result<(), XmlError> {
        let mut r = Reader::from_reader(xml);
        let mut abs_id: Option<String> = None;
        let mut abs = Abstract::default();
        let mut inst_id: Option<String> = None;
        let mut inst = Instance::default();
        let mut override_lvl: Option<u8> = None;
        let mut level: Option<(u8, Level)> = None;
        loop {
            let ev = r.read_event().map_err(|e| XmlError::at(&r, e))?;
            let (start, is_empty) = match &ev {
                Event::Start(s) => (Some(s), false),
                Event::Empty(s) => (Some(s), true),
                _ => (None, false),
            };
            if let Some(s) = start {
                match local(s) {
                    b"abstractNum" => {
                        abs_id = attr(s, b"abstractNumId");
                        abs = Abstract::default();
                    }
                    b"num" => {
                        inst_id = attr(s, b"numId");
                        inst = Instance::default();
                    }
                    b"abstractNumId" if inst_id.is_some() => {
                        inst.abstract_id = attr(s, b"val").unwrap_or_default();
                    }
                    b"lvlOverride" => override_lvl = ilvl_of(s),
                    b"startOverride" => {
                        if let (Some(l), Some(v)) = (override_lvl, num_attr(s)) {
                            inst.start_overrides.insert(l, v);
                        }
                    }
                    b"lvl" => level = ilvl_of(s).map(|l| (l, Level::default())),
                    _ => {
                        if let Some((_, lv)) = level.as_mut() {
                            level_property(s, lv);
                        }
                    }
                }
                if !is_empty {
                    continue;
                }
            }
            let end_name: Option<Vec<u8>> = match &ev {
                Event::End(e) => Some(e.local_name().as_ref().to_vec()),
                Event::Empty(s) => Some(local(s).to_vec()),
                Event::Eof => break,
                _ => None,
            };
            match end_name.as_deref() {
                Some(b"lvl") => {
                    if let Some((l, lv)) = level.take() {
                        if override_lvl.is_some() && inst_id.is_some() {
                            inst.levels.insert(l, lv);
                        } else {
                            abs.levels.insert(l, lv);
                        }
                    }
                }
                Some(b"lvlOverride") => override_lvl = None,
                Some(b"abstractNum") => {
                    if let Some(id) = abs_id.take() {
                        self.abstracts.insert(id, std::mem::take(&mut abs));
                    }
                }
                Some(b"num") => {
                    if let Some(id) = inst_id.take() {
                        self.instances.insert(id, std::mem::take(&mut inst));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn read_styles(&mut self, xml: &[u8]) -> Result<(), XmlError> {
        let mut r = Reader::from_reader(xml);
        let mut current: Option<(String, StyleNum)> = None;
        loop {
            let ev = r.read_event().map_err(|e| XmlError::at(&r, e))?;
            match &ev {
                Event::Start(s) | Event::Empty(s) => match local(s) {
                    b"style" => {
                        current = attr(s, b"styleId").map(|id| (id, StyleNum::default()));
                    }
                    b"basedOn" => {
                        if let Some((_, st)) = current.as_mut() {
                            st.based_on = attr(s, b"val");
                        }
                    }
                    b"numId" => {
                        if let Some((_, st)) = current.as_mut() {
                            st.num_id = attr(s, b"val");
                        }
                    }
                    b"ilvl" => {
                        if let Some((_, st)) = current.as_mut() {
                            st.ilvl = num_attr(s).and_then(|v| u8::try_from(v).ok());
                        }
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == b"style" => {
                    if let Some((id, st)) = current.take() {
                        self.styles.insert(id, st);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }

    /// The numbering of a paragraph: its own `w:numPr`, else its style's (through `basedOn`).
    fn resolve(&self, own: &NumRef, style: Option<&str>) -> Option<(String, u8)> {
        let mut num_id = own.num_id.clone();
        let mut ilvl = own.ilvl;
        let mut s = style.map(str::to_string);
        // A style chain is short; the bound guards against a cycle in a broken file.
        for _ in 0..16 {
            if num_id.is_some() && ilvl.is_some() {
                break;
            }
            let Some(st) = s.as_deref().and_then(|id| self.styles.get(id)) else {
                break;
            };
            if num_id.is_none() {
                num_id.clone_from(&st.num_id);
            }
            if ilvl.is_none() {
                ilvl = st.ilvl;
            }
            s.clone_from(&st.based_on);
        }
        let num_id = num_id?;
        // numId 0 removes the numbering a style would give.
        if num_id == "0" {
            return None;
        }
        Some((num_id, ilvl.unwrap_or(0).min(LEVELS as u8 - 1)))
    }

    fn level<'a>(&'a self, inst: &'a Instance, ilvl: u8) -> Option<&'a Level> {
        inst.levels.get(&ilvl).or_else(|| {
            self.abstracts
                .get(&inst.abstract_id)
                .and_then(|a| a.levels.get(&ilvl))
        })
    }

    /// The visible label of a numbered paragraph (`II.`, `1.`, `a)`, `-`), advancing the
    /// counters; `None` when the paragraph is not numbered or its list is not defined.
    pub fn label(&mut self, own: &NumRef, style: Option<&str>) -> Option<Label> {
        let (num_id, ilvl) = self.resolve(own, style)?;
        let first_use = !self.used.contains(&num_id);
        // The counters are taken out while the definitions are borrowed.
        let mut counters = std::mem::take(&mut self.counters);
        let label = self.advance(&num_id, ilvl, first_use, &mut counters);
        self.counters = counters;
        if label.is_some() {
            self.used.insert(num_id);
        }
        label
    }

    fn advance(
        &self,
        num_id: &str,
        ilvl: u8,
        first_use: bool,
        all: &mut HashMap<String, [Option<u32>; LEVELS]>,
    ) -> Option<Label> {
        let inst = self.instances.get(num_id)?;
        let lvl = self.level(inst, ilvl)?;
        // The key is cloned only the first time a list is counted, not per paragraph.
        if !all.contains_key(&inst.abstract_id) {
            all.insert(inst.abstract_id.clone(), [None; LEVELS]);
        }
        let counters = all.get_mut(&inst.abstract_id)?;
        if first_use {
            for (l, v) in &inst.start_overrides {
                if let Some(c) = counters.get_mut(usize::from(*l)) {
                    // The next number shown is the override.
                    *c = Some(v.saturating_sub(1));
                }
            }
        }
        let i = usize::from(ilvl);
        let next = match counters.get(i).copied().flatten() {
            Some(c) => c.saturating_add(1),
            None => lvl.start,
        };
        if let Some(c) = counters.get_mut(i) {
            *c = Some(next);
        }
        // Levels below restart, unless their lvlRestart says otherwise.
        for (j, c) in counters.iter_mut().enumerate().skip(i + 1) {
            // A level not started has nothing to restart: its definition is not looked up.
            if c.is_none() {
                continue;
            }
            let restart = u8::try_from(j)
                .ok()
                .and_then(|jl| self.level(inst, jl))
                .and_then(|l| l.restart_after);
            match restart {
                Some(0) => {}
                Some(after) if usize::try_from(after).unwrap_or(0) < i + 1 => {}
                _ => *c = None,
            }
        }
        let text = if lvl.fmt == NumFmt::Bullet {
            bullet(&lvl.text)
        } else {
            self.expand(inst, lvl, counters)
        };
        Some(Label {
            text,
            space_after: lvl.space_after,
        })
    }

    /// `%1.%2.` with the counters of levels 1 and 2 in their formats.
    fn expand(&self, inst: &Instance, lvl: &Level, counters: &[Option<u32>; LEVELS]) -> String {
        let mut out = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match (c, digit) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let j = u8::try_from(d - 1).unwrap_or(0);
                    let level = self.level(inst, j);
                    let value = counters
                        .get(usize::from(j))
                        .copied()
                        .flatten()
                        .unwrap_or(level.map_or(1, |l| l.start));
                    let fmt = match level {
                        Some(l) if !lvl.legal => l.fmt,
                        _ => NumFmt::Decimal,
                    };
                    out.push_str(&fmt.format(value));
                }
                _ => out.push(c),
            }
        }
        out
    }
}

/// A paragraph's label and whether a space separates it from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    pub text: String,
    pub space_after: bool,
}

/// The bullet a reader sees: `+` stays, every other symbol (`•`, `–`, `o`, Symbol/Wingdings
/// glyphs in the private-use area) is the plain dash of administrative documents.
fn bullet(text: &str) -> String {
    match text.trim() {
        "+" => "+".to_string(),
        "" => String::new(),
        _ => "-".to_string(),
    }
}

fn ilvl_of(s: &BytesStart<'_>) -> Option<u8> {
    attr(s, b"ilvl").and_then(|v| v.trim().parse::<u8>().ok())
}

fn num_attr(s: &BytesStart<'_>) -> Option<u32> {
    attr(s, b"val").and_then(|v| v.trim().parse::<u32>().ok())
}

/// A child of `w:lvl`.
fn level_property(s: &BytesStart<'_>, lv: &mut Level) {
    match local(s) {
        b"start" => lv.start = num_attr(s).unwrap_or(1),
        b"numFmt" => lv.fmt = NumFmt::from_val(&attr(s, b"val").unwrap_or_default()),
        b"lvlText" => lv.text = attr(s, b"val").unwrap_or_default(),
        b"isLgl" => lv.legal = attr(s, b"val").is_none_or(|v| v != "0" && v != "false"),
        b"suff" => lv.space_after = attr(s, b"val").as_deref() != Some("nothing"),
        b"lvlRestart" => lv.restart_after = num_attr(s),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERING: &str = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
        <w:lvl w:ilvl="3"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#61623;"/></w:lvl>
        <w:lvl w:ilvl="4"><w:numFmt w:val="bullet"/><w:lvlText w:val="+"/><w:suff w:val="space"/></w:lvl>
        <w:lvl w:ilvl="5"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%6."/><w:isLgl/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1/"/><w:suff w:val="nothing"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
      <w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>
    </w:numbering>"#;

    const STYLES: &str = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
      <w:style w:type="paragraph" w:styleId="Section"><w:pPr><w:numPr><w:numId w:val="1"/><w:ilvl w:val="0"/></w:numPr></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="SectionBold"><w:basedOn w:val="Section"/></w:style>
      <w:style w:type="paragraph" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>
    </w:styles>"#;

    fn num(id: &str, l: u8) -> NumRef {
        NumRef {
            num_id: Some(id.to_string()),
            ilvl: Some(l),
        }
    }

    fn labels(n: &mut Numbering, refs: &[(NumRef, Option<&str>)]) -> Vec<String> {
        refs.iter()
            .map(|(r, s)| n.label(r, *s).map(|l| l.text).unwrap_or_default())
            .collect()
    }

    #[test]
    fn decree_30_levels_with_restarts() {
        let mut n = Numbering::read(Some(NUMBERING.as_bytes()), Some(STYLES.as_bytes())).unwrap();
        let got = labels(
            &mut n,
            &[
                (num("1", 0), None),
                (num("1", 1), None),
                (num("1", 2), None),
                (num("1", 2), None),
                (num("1", 3), None),
                (num("1", 4), None),
                (num("1", 1), None),
                (num("1", 2), None),
                (NumRef::default(), Some("SectionBold")),
                (num("1", 1), None),
                (num("1", 5), None),
                (num("1", 5), None),
            ],
        );
        assert_eq!(
            got,
            ["I.", "1.", "a)", "b)", "-", "+", "2.", "a)", "II.", "1.", "1.1.", "1.2."]
        );
    }

    #[test]
    fn instances_share_counters_unless_restarted() {
        let mut n = Numbering::read(Some(NUMBERING.as_bytes()), None).unwrap();
        let got = labels(
            &mut n,
            &[
                (num("1", 1), None),
                (num("1", 1), None),
                // Another instance of the same list continues it...
                (num("2", 1), None),
                // ...one with a start override restarts the level there.
                (num("3", 1), None),
                (num("3", 1), None),
                (num("4", 0), None),
                (num("4", 0), None),
            ],
        );
        assert_eq!(got, ["1.", "2.", "3.", "7.", "8.", "3/", "4/"]);
    }

    #[test]
    fn missing_or_removed_numbering_gives_no_label() {
        let mut n = Numbering::read(Some(NUMBERING.as_bytes()), Some(STYLES.as_bytes())).unwrap();
        assert_eq!(n.label(&num("0", 0), Some("Section")), None);
        assert_eq!(n.label(&num("99", 0), None), None);
        assert_eq!(n.label(&NumRef::default(), None), None);
        // A style that is its own parent does not hang.
        assert_eq!(n.label(&NumRef::default(), Some("Loop")), None);
        let nothing = n.label(&num("4", 0), None).unwrap();
        assert!(!nothing.space_after);
    }

    #[test]
    fn number_formats() {
        assert_eq!(roman(1994), "MCMXCIV");
        assert_eq!(roman(0), "0");
        assert_eq!(letters(1), "a");
        assert_eq!(letters(26), "z");
        assert_eq!(letters(27), "aa");
        assert_eq!(NumFmt::DecimalZero.format(3), "03");
        assert_eq!(NumFmt::LowerRoman.format(4), "iv");
    }
}
