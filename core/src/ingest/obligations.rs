//! Sections → obligations: tasks of section II, the periodic report of section IV, and warnings
//! for dated duties elsewhere.

use std::collections::HashMap;
use std::rc::Rc;

use crate::model::{
    AgencyRef, Obligation, ObligationId, ObligationKind, Reporting, Schedule, SourceSpan, Stage,
    WarningCode,
};

use super::agencies::{self, Found};
use super::par::{self, Threads};
use super::structure::{self, Block, Field, Layout, Marker, Node, Section, SectionKind};
use super::text::{collapse_ws, fold, fold_char, trim_clause, Line};
use super::timeline::{self, Note};
use super::Warnings;

struct Ctx<'a> {
    lines: &'a [Line],
    year: Option<i32>,
    w: &'a mut Warnings,
    /// Agency fields already read, by the address of the shared value: every sub-item that
    /// inherits a field reads the same value, and reading it again each time is quadratic in a
    /// large plan. The entry keeps its value alive, so an address is never reused.
    field_reads: HashMap<usize, (Rc<FieldVal>, Rc<FieldRead>)>,
    /// Whether the items of a task section may be read on two threads.
    threads: Threads,
}

/// An agency field's text (items joined by `; `) and the parties read from it.
struct FieldRead {
    text: String,
    found: Vec<Found>,
    leftovers: Vec<String>,
}

impl<'a> Ctx<'a> {
    fn new(lines: &'a [Line], year: Option<i32>, w: &'a mut Warnings, threads: Threads) -> Self {
        Ctx {
            lines,
            year,
            w,
            field_reads: HashMap::new(),
            threads,
        }
    }

    fn line_no(&self, idx: usize) -> u32 {
        self.lines.get(idx).map_or(1, |l| l.no)
    }

    fn span(&self, first: usize, last: usize) -> SourceSpan {
        let last = last.min(self.lines.len().saturating_sub(1)).max(first);
        let text: Vec<&str> = self
            .lines
            .get(first..=last)
            .unwrap_or(&[])
            .iter()
            .map(|l| l.raw.as_str())
            .collect();
        SourceSpan {
            line_start: self.line_no(first),
            line_end: self.line_no(last),
            text: text.join("\n"),
        }
    }

    /// A report route as the model's `Reporting`; a recipient chosen among several is said.
    fn route(&mut self, r: agencies::Route, line: u32) -> Reporting {
        if !r.others.is_empty() {
            let others: Vec<&str> = r.others.iter().map(AgencyRef::name).collect();
            self.w.push(
                WarningCode::RecipientChosen,
                line,
                format!(
                    "the report goes to {}, the first body it is sent to; also named: {}",
                    r.recipient.name(),
                    others.join("; ")
                ),
                Some(r.recipient.name().to_string()),
            );
        }
        r.into_reporting()
    }

    /// The parties of an agency field, read once per shared value.
    fn read_field(&mut self, fv: &Rc<FieldVal>) -> Rc<FieldRead> {
        let key = Rc::as_ptr(fv) as usize;
        if let Some((_, read)) = self.field_reads.get(&key) {
            return Rc::clone(read);
        }
        let text = fv.full().replace('\n', "; ");
        let (found, leftovers) = agencies::list(&text);
        let read = Rc::new(FieldRead {
            text,
            found,
            leftovers,
        });
        self.field_reads
            .insert(key, (Rc::clone(fv), Rc::clone(&read)));
        read
    }

    fn notes(&mut self, line: u32, notes: Vec<Note>) {
        for n in notes {
            self.w.push(n.code, line, n.message, n.text);
        }
    }
}

/// Reads every section.
pub(crate) fn read(
    lines: &[Line],
    lay: &Layout,
    year: Option<i32>,
    w: &mut Warnings,
    threads: Threads,
) -> Vec<Obligation> {
    let mut ctx = Ctx::new(lines, year, w, threads);
    let mut out: Vec<Obligation> = Vec::new();
    let mut saw_tasks = false;
    for s in &lay.sections {
        let roots = s.tree.as_slice();
        match s.kind {
            SectionKind::Tasks => {
                saw_tasks = true;
                tasks(s, roots, &mut ctx, &mut out);
            }
            SectionKind::Organisation => reports(s, roots, &mut ctx, &mut out),
            SectionKind::Funding => {
                let line = ctx.line_no(s.heading.first);
                ctx.w.push(
                    WarningCode::FundingSectionSkipped,
                    line,
                    "funding section read: it assigns no dated duty, so no obligation is made from it",
                    Some(format!("{}. {}", s.numeral, s.title)),
                );
                dated_leftovers(roots, &mut ctx);
            }
            SectionKind::Purpose => {}
            SectionKind::Other => {
                if roots
                    .iter()
                    .any(|r| r.has_fields() || r.children.iter().any(Node::has_fields))
                {
                    let line = ctx.line_no(s.heading.first);
                    ctx.w.push(
                        WarningCode::SectionReadAsTasks,
                        line,
                        "section title not recognised, but its items have task fields: read as tasks",
                        Some(format!("{}. {}", s.numeral, s.title)),
                    );
                    tasks(s, roots, &mut ctx, &mut out);
                } else {
                    let line = ctx.line_no(s.heading.first);
                    ctx.w.push(
                        WarningCode::UnknownSection,
                        line,
                        "section not recognised (not purpose, tasks, funding or organisation)",
                        Some(format!("{}. {}", s.numeral, s.title)),
                    );
                    dated_leftovers(roots, &mut ctx);
                }
            }
        }
    }
    if let Some(structure::Appendix { heading, blocks }) = &lay.appendix {
        if blocks.iter().any(|b| b.table) {
            let before = out.len();
            table_tasks(blocks, "PL", &mut ctx, &mut out);
            if out.len() > before {
                saw_tasks = true;
                let line = ctx.line_no(*heading);
                ctx.w.push(
                    WarningCode::AppendixRead,
                    line,
                    "task table of the appendix read; its obligations have ids PL.<n>",
                    lines.get(*heading).map(|l| l.text.clone()),
                );
            }
        }
    }
    if !saw_tasks && !lay.sections.is_empty() {
        ctx.w.push(
            WarningCode::NoTasksSection,
            1,
            "no task section (II. NỘI DUNG / NHIỆM VỤ) found",
            None,
        );
    }
    if lay.sections.is_empty() {
        // No numbered sections at all: try the whole body as a task list.
        let (blocks, roots) = (&lay.preamble, &lay.preamble_tree);
        if roots.iter().any(|r| r.has_fields()) {
            let s = Section {
                numeral: "II".into(),
                title: String::new(),
                kind: SectionKind::Tasks,
                heading: blocks[0].clone(),
                blocks: blocks.clone(),
                tree: Vec::new(),
            };
            ctx.w.push(
                WarningCode::NoSections,
                1,
                "no sections (I., II., ...) found; items with task fields read as section II",
                None,
            );
            tasks(&s, roots, &mut ctx, &mut out);
        }
    }
    // Unique ids.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for o in out.iter_mut() {
        let base = o.id.0.clone();
        let mut id = base.clone();
        let mut k = 2;
        while seen.contains(&id) {
            id = format!("{base}-{k}");
            k += 1;
        }
        if id != base {
            let line = o.source.as_ref().map_or(1, |s| s.line_start);
            ctx.w.push(
                WarningCode::DuplicateId,
                line,
                format!("obligation id {base} is used twice; renamed {id}"),
                None,
            );
            o.id = ObligationId::new(id.clone());
        }
        seen.insert(id);
    }
    out
}

/// A field's value: the words after the label, and the items under it.
#[derive(Debug, Clone, Default)]
struct FieldVal {
    value: String,
    items: Vec<(String, usize, usize)>,
    first: usize,
}

impl FieldVal {
    fn full(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.value.trim().is_empty() {
            parts.push(self.value.trim().to_string());
        }
        for (t, _, _) in &self.items {
            parts.push(t.clone());
        }
        parts.join("\n")
    }
}

/// Shared values: every sub-item inherits its parent's fields, and a field joined from many
/// repeated labels can be large, so inheriting must not copy it.
#[derive(Debug, Clone, Default)]
struct Fields {
    content: Option<Rc<FieldVal>>,
    products: Option<Rc<FieldVal>>,
    content_products: Option<Rc<FieldVal>>,
    lead: Option<Rc<FieldVal>>,
    coordinating: Option<Rc<FieldVal>>,
    performers: Option<Rc<FieldVal>>,
    timeline: Option<Rc<FieldVal>>,
}

impl Fields {
    fn slot(&mut self, f: Field) -> &mut Option<Rc<FieldVal>> {
        match f {
            Field::Content => &mut self.content,
            Field::Products => &mut self.products,
            Field::ContentProducts => &mut self.content_products,
            Field::Lead => &mut self.lead,
            Field::Coordinating => &mut self.coordinating,
            Field::Performers => &mut self.performers,
            Field::Timeline => &mut self.timeline,
        }
    }

    fn get(&self, f: Field) -> &Option<Rc<FieldVal>> {
        match f {
            Field::Content => &self.content,
            Field::Products => &self.products,
            Field::ContentProducts => &self.content_products,
            Field::Lead => &self.lead,
            Field::Coordinating => &self.coordinating,
            Field::Performers => &self.performers,
            Field::Timeline => &self.timeline,
        }
    }

    /// `self` with the fields it lacks taken from `parent`.
    fn inherit(mut self, parent: &Fields) -> Fields {
        for f in [
            Field::Lead,
            Field::Coordinating,
            Field::Performers,
            Field::Timeline,
        ] {
            let s = self.slot(f);
            if s.is_none() {
                *s = parent.get(f).clone();
            }
        }
        self
    }
}

/// The text of a node and everything under it, one space between blocks. Built in one buffer
/// and collapsed once: joining and collapsing at every level copied deep trees many times.
fn subtree_text(n: &Node) -> String {
    fn push(n: &Node, out: &mut String) {
        if !n.block.text.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&n.block.text);
        }
        for c in &n.children {
            push(c, out);
        }
    }
    let mut out = String::new();
    push(n, &mut out);
    collapse_ws(&out)
}

fn collect_fields(n: &Node, ctx: &mut Ctx<'_>) -> Fields {
    let mut f = Fields::default();
    for c in &n.children {
        if c.field.is_none() {
            continue;
        }
        // "Cơ quan chủ trì: Công an tỉnh. Thời gian: quý II/2026": several labels in one line.
        let mut labelled = structure::split_labels(&c.block.text);
        let items: Vec<(String, usize, usize)> = c
            .children
            .iter()
            .map(|k| (subtree_text(k), k.block.first, k.last_line()))
            .collect();
        // Items under the line belong to its last label.
        let n_labels = labelled.len();
        for (k, (field, value)) in labelled.drain(..).enumerate() {
            let fv = FieldVal {
                value,
                items: if k + 1 == n_labels {
                    items.clone()
                } else {
                    Vec::new()
                },
                first: c.block.first,
            };
            add_field(&mut f, field, fv, c, ctx);
        }
    }
    f
}

fn add_field(f: &mut Fields, field: Field, fv: FieldVal, c: &Node, ctx: &mut Ctx<'_>) {
    {
        let slot = f.slot(field);
        if let Some(prev) = slot {
            let line = ctx.line_no(c.block.first);
            ctx.w.push(
                WarningCode::RepeatedField,
                line,
                "the same field is given twice; values are joined",
                Some(c.block.text.clone()),
            );
            let prev = Rc::make_mut(prev);
            // Appended in place: a label repeated many times would make re-formatting the
            // joined value quadratic.
            prev.value.push_str("; ");
            prev.value.push_str(&fv.value);
            prev.items.extend(fv.items);
        } else {
            *slot = Some(Rc::new(fv));
        }
    }
}

fn strip_heading(t: &str) -> String {
    collapse_ws(trim_clause(t))
}

/// Section II (or a section read as tasks).
fn tasks(s: &Section, roots: &[Node], ctx: &mut Ctx<'_>, out: &mut Vec<Obligation>) {
    if s.blocks.iter().any(|b| b.table) {
        table_tasks(&s.blocks, &s.numeral, ctx, out);
    }
    // Each item under the heading is read from its own nodes only (its fields are inherited by
    // its sub-items, never by the next item), so each gets its own context, and on a large plan
    // the items are shared between two threads; their obligations and warnings are put back in
    // item order, as on one thread. Weights (lines) only order the shared queue.
    let threads = if roots.len() < 8 {
        Threads::One
    } else {
        ctx.threads
    };
    let weights: Vec<usize> = roots
        .iter()
        .map(|r| r.last_line().saturating_sub(r.block.first) + 1)
        .collect();
    let (lines, year) = (ctx.lines, ctx.year);
    let read = par::map_balanced(threads, &weights, |i| {
        let mut w = Warnings::default();
        let mut out = Vec::new();
        if let Some(r) = roots.get(i) {
            let mut ctx = Ctx::new(lines, year, &mut w, Threads::One);
            task_root(s, r, &mut ctx, &mut out);
        }
        (w, out)
    });
    for (w, o) in read {
        ctx.w.0.extend(w.0);
        out.extend(o);
    }
}

/// One node directly under a task section's heading: a numbered item read as obligations, or a
/// field or dated text outside any item said in a warning.
fn task_root(s: &Section, r: &Node, ctx: &mut Ctx<'_>, out: &mut Vec<Obligation>) {
    if r.block.table {
        return;
    }
    if r.field.is_some() {
        let line = ctx.line_no(r.block.first);
        ctx.w.push(
            WarningCode::FieldOutsideItem,
            line,
            "a task field outside any numbered item is ignored",
            Some(r.block.text.clone()),
        );
        return;
    }
    match r.block.id_part() {
        Some(p) if !matches!(r.block.marker, Marker::None | Marker::Dash | Marker::Plus) => {
            let id = format!("{}.{}", s.numeral, p);
            item(r, &id, None, &Fields::default(), ctx, out);
        }
        _ => {
            // A paragraph or bullet directly under the section heading.
            if timeline::has_deadline(&subtree_text(r)) || r.has_fields() {
                let line = ctx.line_no(r.block.first);
                ctx.w.push(
                    WarningCode::DatedDutySkipped,
                    line,
                    "unnumbered text with a date in the task section is not turned into an obligation",
                    Some(subtree_text(r)),
                );
            }
        }
    }
}

fn item(
    n: &Node,
    id: &str,
    parent_title: Option<&str>,
    inherited: &Fields,
    ctx: &mut Ctx<'_>,
    out: &mut Vec<Obligation>,
) {
    let own = collect_fields(n, ctx);
    let here = own.clone().inherit(inherited);
    let non_fields: Vec<&Node> = n.children.iter().filter(|c| c.field.is_none()).collect();
    let any_sub = non_fields.iter().any(|c| c.has_fields());
    if any_sub {
        let title = strip_heading(&n.block.text);
        let mut k = 0;
        for c in non_fields {
            let numbered = matches!(c.block.marker, Marker::Letter(_) | Marker::Number(_));
            if c.has_fields() || numbered {
                k += 1;
                let part = match (&c.block.marker, c.block.id_part()) {
                    (Marker::Letter(_) | Marker::Number(_), Some(p)) => p,
                    _ => k.to_string(),
                };
                item(c, &format!("{id}.{part}"), Some(&title), &here, ctx, out);
            } else if timeline::has_deadline(&subtree_text(c)) {
                let line = ctx.line_no(c.block.first);
                ctx.w.push(
                    WarningCode::DatedDutySkipped,
                    line,
                    "text with a date between sub-tasks is not part of any obligation",
                    Some(subtree_text(c)),
                );
            }
        }
        return;
    }
    let has_any = here.lead.is_some()
        || here.performers.is_some()
        || here.timeline.is_some()
        || here.coordinating.is_some();
    if has_any {
        swallowed_sub_items(n, ctx);
        out.push(task_from_fields(n, id, parent_title, &here, ctx));
        return;
    }
    // No fields: duties written as sentences. Several marked sub-items with their own dates
    // ("1. Công an tỉnh:" then "- Chủ trì ..., hoàn thành trong quý III/2026") are one
    // obligation each; otherwise the item is one obligation read from its sentences.
    let marked: Vec<&Node> = n
        .children
        .iter()
        .filter(|c| c.field.is_none() && c.block.marker != Marker::None)
        .collect();
    let dated = marked
        .iter()
        .filter(|c| timeline::has_deadline(&subtree_text(c)))
        .count();
    if marked.len() >= 2 && dated >= 1 {
        let (heading_parties, _) = agencies::leading(&n.block.text, false);
        let heading_parties: Vec<AgencyRef> =
            heading_parties.into_iter().map(|f| f.agency).collect();
        let (title, _) = title_of(n, parent_title);
        let mut k = 0;
        for c in marked {
            k += 1;
            let text = subtree_text(c);
            let line = ctx.line_no(c.block.first);
            if !timeline::has_timeline_words(&text) {
                ctx.w.push(
                    WarningCode::DutyWithoutTimeline,
                    line,
                    "a duty with no timeline beside dated duties; not an obligation of its own",
                    Some(text),
                );
                continue;
            }
            let part = match (&c.block.marker, c.block.id_part()) {
                (Marker::Letter(_) | Marker::Number(_) | Marker::Paren(_), Some(p)) => p,
                _ => k.to_string(),
            };
            let sub = format!("{id}.{part}");
            if let Some(ob) = task_from_prose(c, &sub, Some(&title), &heading_parties, ctx) {
                out.push(ob);
            }
        }
        return;
    }
    if let Some(ob) = task_from_prose(n, id, parent_title, &[], ctx) {
        out.push(ob);
    }
}

fn title_of(n: &Node, parent_title: Option<&str>) -> (String, String) {
    let text = strip_heading(&n.block.text);
    match parent_title {
        None => (text.clone(), text),
        Some(p) => {
            // Sub-task: "<item title>: <words before the first colon or ', gồm'>". Every
            // offset is searched in the folded text: a byte offset of the original, mapped as
            // if folded, overshoots by the accents before it and cuts a word.
            let folded = super::text::Folded::new(&text);
            let f = &folded.s;
            let cut = [f.find(", gom"), f.find(" gom:"), f.find([':', '：'])]
                .into_iter()
                .flatten()
                .min()
                .map_or(text.len(), |c| folded.orig_pos(c).min(text.len()));
            let head = strip_heading(&text[..cut]);
            let head = if head.is_empty() { text.clone() } else { head };
            (format!("{p}: {head}"), text)
        }
    }
}

fn agencies_of(fv: &Rc<FieldVal>, strict: bool, ctx: &mut Ctx<'_>) -> Vec<AgencyRef> {
    let read = ctx.read_field(fv);
    let FieldRead {
        text,
        found,
        leftovers,
    } = &*read;
    let line = ctx.line_no(fv.first);
    for f in found {
        if f.unknown {
            ctx.w.push(
                WarningCode::UnknownAgency,
                line,
                "agency not in the gazetteer; kept as written",
                Some(f.agency.name().to_string()),
            );
        }
    }
    if strict {
        // A coordination clause (`phối hợp với Công an tỉnh`) is read by `field_coordinating`.
        for l in leftovers
            .iter()
            .filter(|l| coordinating_after(l).is_empty())
        {
            ctx.w.push(
                WarningCode::AgencyTextNotUnderstood,
                line,
                "words in an agency field that name no recognised agency",
                Some(l.clone()),
            );
        }
    }
    if found.is_empty() && !text.trim().is_empty() {
        ctx.w.push(
            WarningCode::NoAgencyRecognised,
            line,
            "no agency recognised in the field",
            Some(collapse_ws(text)),
        );
    }
    found.iter().map(|f: &Found| f.agency.clone()).collect()
}

/// Whether `s` folded, after leading spaces, starts with `word` (folded, ASCII). Folds only as far
/// as needed: the text after each party of a long field would make folding it all quadratic.
fn folded_starts_with(s: &str, word: &str) -> bool {
    let mut out = String::new();
    for c in s.chars() {
        fold_char(c, &mut out);
        let t = out.trim_start();
        if t.len() >= word.len() {
            return t.starts_with(word);
        }
        if t.is_empty() {
            out.clear();
        }
    }
    out.trim_start().starts_with(word)
}

fn task_from_fields(
    n: &Node,
    id: &str,
    parent_title: Option<&str>,
    f: &Fields,
    ctx: &mut Ctx<'_>,
) -> Obligation {
    let (title, own_text) = title_of(n, parent_title);
    let lead = f
        .lead
        .as_ref()
        .map(|v| agencies_of(v, true, ctx))
        .unwrap_or_default();
    let mut coordinating = f
        .coordinating
        .as_ref()
        .map(|v| agencies_of(v, true, ctx))
        .unwrap_or_default();
    let mut performers = f
        .performers
        .as_ref()
        .map(|v| agencies_of(v, false, ctx))
        .unwrap_or_default();
    // "Cơ quan thực hiện: Công an thành phố chủ trì ...; các sở ... rà soát": with no lead field,
    // a performer followed by "chủ trì" is the lead.
    let mut lead = lead;
    if lead.is_empty() {
        if let Some(v) = &f.performers {
            let read = ctx.read_field(v);
            for x in &read.found {
                if folded_starts_with(read.text.get(x.end..).unwrap_or(""), "chu tri") {
                    let key = fold(x.agency.name());
                    performers.retain(|p| fold(p.name()) != key);
                    lead.push(x.agency.clone());
                }
            }
        }
    }
    // `Sở Tư pháp chủ trì, phối hợp với Công an tỉnh ...` in a lead or performer field: the
    // parties after `phối hợp (với)` coordinate.
    for v in [f.lead.as_ref(), f.performers.as_ref()]
        .into_iter()
        .flatten()
    {
        let (found, in_clause) = field_coordinating(&ctx.read_field(v));
        say_unknown(ctx, ctx.line_no(v.first), found.iter());
        lead.retain(|a| !in_clause.contains(&fold(a.name())));
        performers.retain(|a| !in_clause.contains(&fold(a.name())));
        for x in found {
            let key = fold(x.agency.name());
            let named = |list: &[AgencyRef]| list.iter().any(|c| fold(c.name()) == key);
            if !named(&lead) && !named(&performers) && !named(&coordinating) {
                coordinating.push(x.agency);
            }
        }
    }
    // No agency field at all: the item's own sentence names them (`Sở Nội vụ có trách nhiệm
    // tham mưu ...; thời gian hoàn thành: tháng 9/2026`).
    if f.lead.is_none() && f.performers.is_none() && f.coordinating.is_none() {
        if let Some((l, c)) = sentence_parties(&n.block.text, ctx.line_no(n.block.first), ctx) {
            lead = l;
            coordinating = c;
        }
    }
    let content_field = f.content.as_ref().or(f.content_products.as_ref());
    let content = match content_field {
        Some(c) => Some(c.full()),
        None if parent_title.is_some() => Some(own_text.clone()),
        None => None,
    }
    .map(|c| c.trim().to_string())
    .filter(|c| !c.is_empty());
    let mut products: Vec<String> = Vec::new();
    for p in [f.products.as_ref(), f.content_products.as_ref()]
        .into_iter()
        .flatten()
    {
        if p.items.is_empty() {
            products.extend(
                p.value
                    .split(';')
                    .map(|x| collapse_ws(trim_clause(x)))
                    .filter(|x| !x.is_empty()),
            );
        } else {
            if !p.value.trim().is_empty() {
                products.push(collapse_ws(trim_clause(&p.value)));
            }
            products.extend(p.items.iter().map(|(t, _, _)| collapse_ws(trim_clause(t))));
        }
    }
    // Schedule from the timeline field.
    let mut schedule: Option<Schedule> = None;
    if let Some(t) = &f.timeline {
        let parsed = timeline::parse(&t.full(), ctx.year);
        let line = ctx.line_no(t.first);
        ctx.notes(line, parsed.notes);
        schedule = Some(parsed.schedule);
    }
    // Stages from dated bullets of the content/products fields.
    let responsible: Vec<AgencyRef> = lead.iter().chain(&performers).cloned().collect();
    let stages = staged_bullets(
        [
            f.content_products.as_ref(),
            f.content.as_ref(),
            f.products.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|v| &**v),
        &responsible,
        ctx,
    );
    let schedule = match (schedule, stages) {
        (Some(s), Some(st)) => {
            let mut parts = match s {
                Schedule::Combined { parts } => parts,
                Schedule::Unparsed { .. } => Vec::new(),
                other => vec![other],
            };
            parts.push(st);
            if parts.len() == 1 {
                parts.pop().unwrap_or(Schedule::Unparsed {
                    text: String::new(),
                })
            } else {
                Schedule::Combined { parts }
            }
        }
        (Some(s), None) => s,
        (None, Some(st)) => st,
        (None, None) => {
            // No timeline field: a date in the content, else in the item's own heading
            // (`Tổ chức hội nghị quán triệt Luật (hoàn thành trong tháng 7/2026)`), else nothing.
            let dated = |t: &Option<String>| t.clone().filter(|t| timeline::has_deadline(t));
            let (text, whence) = match dated(&content) {
                Some(c) => (c, "content"),
                None => (
                    dated(&Some(own_text.clone())).unwrap_or_default(),
                    "item's heading",
                ),
            };
            let line = ctx.line_no(n.block.first);
            if timeline::has_deadline(&text) {
                let parsed = timeline::parse(&text, ctx.year);
                if !matches!(parsed.schedule, Schedule::Unparsed { .. }) {
                    ctx.w.push(
                        WarningCode::TimelineFromContent,
                        line,
                        format!("no timeline field; the date in the {whence} is used"),
                        Some(text.clone()),
                    );
                }
                ctx.notes(line, parsed.notes);
                parsed.schedule
            } else {
                ctx.w.push(
                    WarningCode::NoTimeline,
                    line,
                    "the task states no timeline",
                    Some(title.clone()),
                );
                Schedule::Unparsed {
                    text: String::new(),
                }
            }
        }
    };
    if lead.is_empty() && performers.is_empty() {
        let line = ctx.line_no(n.block.first);
        ctx.w.push(
            WarningCode::NoResponsibleAgency,
            line,
            "the task names no lead or performing agency",
            Some(title.clone()),
        );
    }
    // Where results go (`gửi về Công an tỉnh (qua Phòng ...)`).
    // The warning for a chosen recipient names the line of the words it was read from.
    let item_line = ctx.line_no(n.block.first);
    let content_line = content_field.map_or(item_line, |c| ctx.line_no(c.first));
    let reporting = f
        .timeline
        .as_ref()
        .and_then(|t| agencies::reporting(&t.full()).map(|r| (r, ctx.line_no(t.first))))
        .or_else(|| {
            content
                .as_deref()
                .and_then(agencies::reporting)
                .map(|r| (r, content_line))
        })
        .or_else(|| agencies::reporting(&title).map(|r| (r, item_line)))
        .map(|(r, line)| ctx.route(r, line));
    Obligation {
        id: ObligationId::new(id),
        kind: ObligationKind::Task,
        title,
        content,
        lead,
        coordinating,
        performers,
        products,
        schedule,
        reporting,
        source: Some(ctx.span(n.block.first, n.last_line())),
    }
}

/// Stages from bullets that name parties and their own deadlines.
fn staged_bullets<'a>(
    fields: impl Iterator<Item = &'a FieldVal>,
    responsible: &[AgencyRef],
    ctx: &mut Ctx<'_>,
) -> Option<Schedule> {
    let mut stages: Vec<Stage> = Vec::new();
    for fv in fields {
        for (text, first, last) in &fv.items {
            if !timeline::has_deadline(text) {
                continue;
            }
            let parsed = timeline::parse(text, ctx.year);
            let deadline = match &parsed.schedule {
                Schedule::Once { deadline } => Some(deadline.clone()),
                Schedule::Combined { parts } => parts.iter().find_map(|p| match p {
                    Schedule::Once { deadline } => Some(deadline.clone()),
                    _ => None,
                }),
                _ => None,
            };
            let line = ctx.line_no(*first);
            let Some(deadline) = deadline else {
                ctx.w.push(
                    WarningCode::UnparsedTimeline,
                    line,
                    "a bullet with a date whose deadline is not understood; not a stage",
                    Some(text.clone()),
                );
                continue;
            };
            let (found, _) = agencies::leading(text, false);
            let mut parties: Vec<AgencyRef> = found.into_iter().map(|f| f.agency).collect();
            if parties.is_empty() {
                parties = responsible.to_vec();
                ctx.w.push(
                    WarningCode::StageWithoutParty,
                    line,
                    "a dated bullet names no party; the task's responsible agencies are used",
                    Some(text.clone()),
                );
            }
            let recipient = agencies::reporting(text).map(|r| ctx.route(r, line).recipient);
            stages.push(Stage {
                id: agencies::stage_id(&parties, stages.iter().map(|s: &Stage| s.id.as_str())),
                parties,
                deadline,
                recipient,
                source: Some(ctx.span(*first, *last)),
            });
        }
    }
    (!stages.is_empty()).then_some(Schedule::Staged { stages })
}

/// An item with no field labels: `Công an tỉnh chủ trì, phối hợp với ... hoàn thành trước ...`.
/// Warns when an item read as one obligation holds several labelled sub-items (`a)`, `b)`,
/// `1.`) that each carry a field label or a date of their own: their duties were merged into
/// the item's (a layout the reader did not nest, or sub-items written inside a field).
fn swallowed_sub_items(n: &Node, ctx: &mut Ctx<'_>) {
    // Under a field (`Nội dung:`), dated bullets are the stages of the one obligation: only
    // sub-items with field labels of their own count there.
    fn walk<'a>(n: &'a Node, in_field: bool, out: &mut Vec<&'a Node>) {
        for c in &n.children {
            let labelled = matches!(
                c.block.marker,
                Marker::Letter(_) | Marker::Number(_) | Marker::Paren(_)
            );
            // `a) Cơ quan chủ trì: ...` is a field of the item, written as a lettered line.
            // Only a labelled non-field child is looked into (a label at the text's start is
            // what makes `split_labels` non-empty, so the rest of the text is not scanned).
            if labelled && c.field.is_none() {
                let fields = c.has_fields() || structure::field_label(&c.block.text).is_some();
                if fields || (!in_field && timeline::has_deadline(&c.block.text)) {
                    out.push(c);
                }
            }
            walk(c, in_field || c.field.is_some(), out);
        }
    }
    let mut found = Vec::new();
    walk(n, false, &mut found);
    if found.len() < 2 {
        return;
    }
    let labels: Vec<String> = found
        .iter()
        .map(|c| match (&c.block.marker, c.block.id_part()) {
            (Marker::Paren(_), Some(p)) => format!("({p})"),
            (Marker::Letter(_), Some(p)) => format!("{p})"),
            (_, Some(p)) => format!("{p}."),
            _ => String::new(),
        })
        .collect();
    let line = ctx.line_no(n.block.first);
    ctx.w.push(
        WarningCode::SubItemsMerged,
        line,
        format!(
            "{} labelled sub-items with their own fields or dates ({}) are read as one obligation",
            found.len(),
            labels.join(", ")
        ),
        Some(n.block.text.clone()),
    );
}

fn task_from_prose(
    n: &Node,
    id: &str,
    parent_title: Option<&str>,
    fallback_lead: &[AgencyRef],
    ctx: &mut Ctx<'_>,
) -> Option<Obligation> {
    let (title, _) = title_of(n, parent_title);
    let body: Vec<String> = n.children.iter().map(subtree_text).collect();
    let all = collapse_ws(&format!("{} {}", n.block.text, body.join(" ")));
    let line = ctx.line_no(n.block.first);
    // Parties: the subject of the first sentence that has one ("X chủ trì, phối hợp với Y").
    let mut lead: Vec<AgencyRef> = Vec::new();
    let mut coordinating: Vec<AgencyRef> = Vec::new();
    for sentence in std::iter::once(n.block.text.as_str()).chain(body.iter().map(String::as_str)) {
        let (found, _, coord) = duty_parties(sentence);
        if !found.is_empty() || !coord.is_empty() {
            say_unknown(ctx, line, found.iter().chain(&coord));
            lead = found.into_iter().map(|f| f.agency).collect();
            coordinating = coord.into_iter().map(|f| f.agency).collect();
            break;
        }
    }
    if lead.is_empty() {
        lead = fallback_lead.to_vec();
    }
    let timed = timeline::has_timeline_words(&all);
    if lead.is_empty() && !timed {
        ctx.w.push(
            WarningCode::ItemNotUnderstood,
            line,
            "a task item with no fields, no recognised agency and no date; not an obligation",
            Some(all),
        );
        return None;
    }
    let schedule = if timed {
        let parsed = timeline::parse(&all, ctx.year);
        ctx.notes(line, parsed.notes);
        parsed.schedule
    } else {
        ctx.w.push(
            WarningCode::NoTimeline,
            line,
            "the task states no timeline",
            Some(title.clone()),
        );
        Schedule::Unparsed {
            text: String::new(),
        }
    };
    ctx.w.push(
        WarningCode::TaskFromProse,
        line,
        "task item without field labels: parties and timeline read from its sentences",
        Some(title.clone()),
    );
    if lead.is_empty() {
        ctx.w.push(
            WarningCode::NoResponsibleAgency,
            line,
            "the task names no lead or performing agency",
            Some(title.clone()),
        );
    }
    let reporting = agencies::reporting(&all).map(|r| ctx.route(r, line));
    Some(Obligation {
        id: ObligationId::new(id),
        kind: ObligationKind::Task,
        title,
        content: Some(all),
        lead,
        coordinating,
        performers: Vec::new(),
        products: Vec::new(),
        schedule,
        reporting,
        source: Some(ctx.span(n.block.first, n.last_line())),
    })
}

/// Words that follow the subject of a duty sentence: `X chủ trì`, `X có trách nhiệm`.
const ROLE_VERBS: &[&str] = &[
    "chu tri",
    "phoi hop",
    "thuc hien",
    "co trach nhiem",
    "tham muu",
    "huong dan",
    "theo doi",
];

/// The lead and coordinating parties of a duty sentence whose subject is followed by a role verb
/// (`X chủ trì, phối hợp với Y`, `X có trách nhiệm ...`); names not in the gazetteer are said.
fn sentence_parties(
    sentence: &str,
    line: u32,
    ctx: &mut Ctx<'_>,
) -> Option<(Vec<AgencyRef>, Vec<AgencyRef>)> {
    // The subject and its verb stand in the first clause: the rest is not read.
    let clause_end = sentence.find([';', ':']).unwrap_or(sentence.len());
    let sentence = &sentence[..clause_end];
    let (found, rest, coord) = duty_parties(sentence);
    let f = fold(rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace()));
    if found.is_empty() || !ROLE_VERBS.iter().any(|v| f.starts_with(v)) {
        return None;
    }
    say_unknown(ctx, line, found.iter().chain(&coord));
    Some((
        found.into_iter().map(|x| x.agency).collect(),
        coord.into_iter().map(|x| x.agency).collect(),
    ))
}

/// A duty sentence's subject, the words after it, and the parties after its `phối hợp (với)`.
fn duty_parties(sentence: &str) -> (Vec<agencies::Found>, &str, Vec<agencies::Found>) {
    let (found, stop) = prose_subject(sentence);
    let rest = if found.is_empty() {
        sentence
    } else {
        sentence.get(stop..).unwrap_or("")
    };
    let coord = coordinating_after(rest);
    (found, rest, coord)
}

/// An `unknown_agency` warning for each party read by its shape only.
fn say_unknown<'f>(
    ctx: &mut Ctx<'_>,
    line: u32,
    parties: impl Iterator<Item = &'f agencies::Found>,
) {
    for x in parties.filter(|x| x.unknown) {
        ctx.w.push(
            WarningCode::UnknownAgency,
            line,
            "a party of the sentence is not in the gazetteer; kept as written",
            Some(x.agency.name().to_string()),
        );
    }
}

/// The parties that are the subject of a duty sentence. A name not in the gazetteer
/// (`Ban Quản lý Khu kinh tế`) does not cut the list when a role verb follows the list read
/// with it: it is kept, flagged `unknown`.
fn prose_subject(sentence: &str) -> (Vec<agencies::Found>, usize) {
    let (found, stop) = agencies::leading(sentence, false);
    let (all, all_stop) = agencies::leading(sentence, true);
    let role_follows = |at: usize| {
        let rest = sentence.get(at..).unwrap_or("");
        let f = fold(rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace()));
        ROLE_VERBS.iter().any(|v| f.starts_with(v))
    };
    if all.len() > found.len() && role_follows(all_stop) {
        (all, all_stop)
    } else {
        (found, stop)
    }
}

/// The parties an agency field names after `phối hợp (với)` following one of its parties
/// (`Sở Tư pháp chủ trì, phối hợp với Công an tỉnh và các cơ quan liên quan`), in order, once
/// each: the field's list ends at the clause (it reads as a sentence), so without this they
/// would be lost. Also the keys of the field's own parties read first inside such a clause
/// (they coordinate, not lead); a party the field names before the clause keeps its role.
fn field_coordinating(read: &FieldRead) -> (Vec<agencies::Found>, Vec<String>) {
    let mut out: Vec<agencies::Found> = Vec::new();
    let mut in_clause = Vec::new();
    // Most fields have no such clause: one look at the whole field, not one per party.
    if read.found.is_empty() || !fold(&read.text).contains("phoi hop") {
        return (out, in_clause);
    }
    for x in &read.found {
        let after = read.text.get(x.end..).unwrap_or("");
        for c in coordinating_after(after) {
            let key = fold(c.agency.name());
            if read
                .found
                .iter()
                .any(|y| y.start > x.end && fold(y.agency.name()) == key)
            {
                in_clause.push(key.clone());
            }
            if !out.iter().any(|o| fold(o.agency.name()) == key) {
                out.push(c);
            }
        }
    }
    (out, in_clause)
}

/// `phối hợp (với) X, Y` near the start of `rest`: the coordinating parties. After `phối hợp
/// với` only parties can follow, so a name not in the gazetteer is kept (flagged `unknown`)
/// instead of cutting the list.
fn coordinating_after(rest: &str) -> Vec<agencies::Found> {
    let f = super::text::Folded::new(rest);
    let Some(p) = f.s.find("phoi hop") else {
        return Vec::new();
    };
    if f.s[..p].split_whitespace().count() > 3 {
        return Vec::new();
    }
    let after = f.orig_pos(p + "phoi hop".len());
    let mut tail = rest.get(after..).unwrap_or("").trim_start();
    if fold(tail).starts_with("voi ") {
        let sp = tail.find(char::is_whitespace).unwrap_or(tail.len());
        tail = tail[sp..].trim_start();
    }
    let (c, _) = agencies::leading(tail, false);
    let (all, _) = agencies::leading(tail, true);
    if all.len() > c.len() {
        all
    } else {
        c
    }
}

/// Leading adverbials before a subject: `Hằng năm, ...`, `Căn cứ ..., ...`.
fn subject_part(clause: &str) -> &str {
    let f = fold(clause);
    let adverbial = [
        "hang nam",
        "hang quy",
        "hang thang",
        "dinh ky",
        "can cu",
        "tren co so",
        "trong qua trinh",
        "qua trinh",
        "dot xuat",
        "truoc ngay",
        "cham nhat",
    ]
    .iter()
    .any(|a| f.starts_with(a));
    if adverbial {
        match clause.find(',') {
            Some(p) => clause[p + 1..].trim_start(),
            None => "",
        }
    } else {
        clause
    }
}

/// The parties that are the subject of a reporting clause: at its start (after adverbials such
/// as `Hằng năm,`), or after a label (`Chế độ báo cáo: ...`) or a comma that comes before the verb
/// `báo cáo` (a subject precedes its verb).
fn parties(clause: &str) -> Vec<AgencyRef> {
    let folded = super::text::Folded::new(clause);
    // The verb, not a label such as "Chế độ báo cáo:".
    let verb = folded
        .s
        .match_indices("bao cao")
        .map(|(p, _)| p)
        .find(|&p| {
            let before = folded.s[..p].trim_end();
            let after = folded.s[p + "bao cao".len()..].trim_start();
            !before.ends_with("che do") && !after.starts_with(':')
        })
        .map_or(clause.len(), |p| folded.orig_pos(p));
    let mut cands: Vec<&str> = vec![subject_part(clause)];
    let head = &clause[..verb];
    if let Some(p) = head.find(':') {
        cands.push(clause[p + 1..].trim_start());
    }
    for (i, _) in head.match_indices(',').take(6) {
        cands.push(clause[i + 1..].trim_start());
    }
    for c in cands {
        let (found, _) = agencies::leading(c, false);
        if !found.is_empty() {
            return found.into_iter().map(|f| f.agency).collect();
        }
    }
    Vec::new()
}

fn is_report_clause(c: &str) -> bool {
    let f = fold(c);
    (f.contains("bao cao") || f.contains("gui ket qua"))
        && (timeline::has_recurrence(c) || timeline::has_deadline(c))
}

/// Section IV: the periodic report.
fn reports(s: &Section, roots: &[Node], ctx: &mut Ctx<'_>, out: &mut Vec<Obligation>) {
    let mut para = 0;
    for r in roots {
        let text = subtree_text(r);
        let id = match (&r.block.marker, r.block.id_part()) {
            (Marker::Number(_) | Marker::Letter(_) | Marker::Paren(_), Some(p)) => {
                format!("{}.{p}", s.numeral)
            }
            _ => {
                para += 1;
                format!("{}.p{para}", s.numeral)
            }
        };
        let clauses = timeline::split_sentences(&text);
        let mut made = false;
        for c in clauses.iter().copied() {
            if !is_report_clause(c) {
                continue;
            }
            let line = ctx.line_no(r.block.first);
            if made {
                ctx.w.push(
                    WarningCode::SecondReportClause,
                    line,
                    "a second reporting clause in the same item is not modelled",
                    Some(c.to_string()),
                );
                continue;
            }
            made = true;
            let mut performers = parties(c);
            if performers.is_empty() {
                if let Some(first) = clauses.first() {
                    performers = parties(first);
                }
            }
            if performers.is_empty() {
                ctx.w.push(
                    WarningCode::NoResponsibleAgency,
                    line,
                    "the reporting clause names no reporting agency",
                    Some(c.to_string()),
                );
            }
            // The timeline is read from the parts of the sentence that have timeline words.
            let when: Vec<&str> = timeline::split_clauses(c)
                .into_iter()
                .filter(|x| timeline::has_timeline_words(x))
                .collect();
            let parsed = timeline::parse(&when.join("; "), ctx.year);
            ctx.notes(line, parsed.notes);
            let rep = agencies::reporting(c).map(|r| ctx.route(r, line));
            let title = report_title(rep.as_ref());
            if rep.is_none() {
                ctx.w.push(
                    WarningCode::NoRecipient,
                    line,
                    "the report's recipient is not recognised",
                    Some(c.to_string()),
                );
            }
            out.push(Obligation {
                id: ObligationId::new(id.clone()),
                kind: ObligationKind::PeriodicReport,
                title,
                content: Some(collapse_ws(trim_clause(c))),
                lead: Vec::new(),
                coordinating: Vec::new(),
                performers,
                products: Vec::new(),
                schedule: parsed.schedule,
                reporting: rep,
                source: Some(ctx.span(r.block.first, r.last_line())),
            });
        }
        if !made && timeline::has_deadline(&text) {
            let line = ctx.line_no(r.block.first);
            ctx.w.push(
                WarningCode::DatedDutySkipped,
                line,
                "an item with a date that is not a periodic report is not turned into an obligation",
                Some(text.clone()),
            );
        }
    }
}

fn report_title(rep: Option<&Reporting>) -> String {
    match rep {
        Some(r) => format!("Báo cáo kết quả thực hiện về {}", r.recipient.name()),
        None => "Báo cáo kết quả thực hiện".to_string(),
    }
}

/// Items with a date in sections that make no obligations.
fn dated_leftovers(roots: &[Node], ctx: &mut Ctx<'_>) {
    for r in roots {
        let text = subtree_text(r);
        if timeline::has_deadline(&text) {
            let line = ctx.line_no(r.block.first);
            ctx.w.push(
                WarningCode::DatedDutySkipped,
                line,
                "an item with a date in a section that makes no obligations",
                Some(text),
            );
        }
    }
}

/// What a table column holds, from its header words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Index,
    Title,
    Field(Field),
    Other,
}

fn column_kind(header: &str) -> Column {
    let f = fold(header);
    let f = f.trim();
    if matches!(f, "stt" | "tt" | "so tt" | "so thu tu") {
        Column::Index
    } else if f.contains("chu tri") {
        Column::Field(Field::Lead)
    } else if f.contains("phoi hop") {
        Column::Field(Field::Coordinating)
    } else if f.starts_with("thoi gian") || f.starts_with("thoi han") || f.starts_with("tien do") {
        Column::Field(Field::Timeline)
    } else if f.contains("san pham") || f.starts_with("ket qua") {
        Column::Field(Field::Products)
    } else if f.contains("thuc hien") && (f.contains("co quan") || f.contains("don vi")) {
        Column::Field(Field::Performers)
    } else if f.contains("noi dung") || f.contains("nhiem vu") || f.contains("cong viec") {
        Column::Title
    } else {
        Column::Other
    }
}

/// A Markdown task table: a header row naming the columns (`STT | Nội dung | Cơ quan chủ trì |
/// Cơ quan phối hợp | Thời gian hoàn thành | Sản phẩm`), then one task per row. Rows with fewer
/// cells (`I | NHIỆM VỤ CHUNG`) are group headings.
fn table_tasks(blocks: &[Block], prefix: &str, ctx: &mut Ctx<'_>, out: &mut Vec<Obligation>) {
    let mut columns: Option<Vec<Column>> = None;
    let mut group: Option<String> = None;
    let mut ordinal = 0;
    for b in blocks {
        if !b.table {
            continue;
        }
        let cells: Vec<&str> = b.text.split(" | ").map(str::trim).collect();
        let kinds: Vec<Column> = cells.iter().map(|c| column_kind(c)).collect();
        let fieldish = kinds
            .iter()
            .filter(|k| matches!(k, Column::Field(_)))
            .count();
        if fieldish >= 2 && kinds.iter().all(|k| *k != Column::Other || cells.len() > 3) {
            let line = ctx.line_no(b.first);
            ctx.w.push(
                WarningCode::TaskTable,
                line,
                "a task table: each row below this header is read as a task",
                Some(b.text.clone()),
            );
            columns = Some(kinds);
            group = None;
            continue;
        }
        let Some(cols) = &columns else { continue };
        // A group heading row: "I | NHIỆM VỤ CHUNG", "A | ...", written with fewer cells or
        // with the other cells left empty.
        let first = cells.first().copied().unwrap_or("");
        let roman_or_letter = !first.is_empty()
            && first.len() <= 4
            && first.chars().all(|c| c.is_ascii_alphabetic() || c == '.');
        let only_two_filled = cells.iter().skip(2).all(|c| c.is_empty());
        if cells.len() + 1 < cols.len() || (roman_or_letter && only_two_filled) {
            group = roman_or_letter.then(|| first.trim_end_matches('.').to_string());
            continue;
        }
        let mut fields = Fields::default();
        let mut title = String::new();
        let mut index = String::new();
        for (k, cell) in cells.iter().enumerate() {
            match cols.get(k) {
                Some(Column::Index) => index = cell.trim_end_matches(['.', ')']).to_string(),
                Some(Column::Title) if title.is_empty() => title = cell.to_string(),
                Some(Column::Field(f)) if !cell.is_empty() => {
                    *fields.slot(*f) = Some(Rc::new(FieldVal {
                        value: cell.to_string(),
                        items: Vec::new(),
                        first: b.first,
                    }));
                }
                _ => {}
            }
        }
        if title.is_empty() && fields.lead.is_none() && fields.timeline.is_none() {
            continue;
        }
        ordinal += 1;
        if index.is_empty() && cols.contains(&Column::Index) {
            // A row of its own whose number is missing (or a PDF row whose first cell was
            // empty): kept as a task, but its id is a guess and it may belong to the row above.
            let line = ctx.line_no(b.first);
            ctx.w.push(
                WarningCode::TableRowUnnumbered,
                line,
                "a task-table row without its number: read as a task of its own, numbered by its place",
                Some(b.text.clone()),
            );
        }
        let num = if index.is_empty() || !index.chars().all(|c| c.is_ascii_digit() || c == '.') {
            ordinal.to_string()
        } else {
            index
        };
        let id = match &group {
            Some(g) => format!("{prefix}.{g}.{num}"),
            None => format!("{prefix}.{num}"),
        };
        let node = Node::leaf(Block {
            first: b.first,
            last: b.last,
            marker: Marker::None,
            text: title,
            table: true,
        });
        out.push(task_from_fields(&node, &id, None, &fields, ctx));
    }
}
