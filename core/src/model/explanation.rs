//! An assessment's explanation in one language, written when someone reads it.
//!
//! Every instance has one explanation per language, but most readers (status columns, counts,
//! day counts) never look at them: an evaluation keeps the few values a sentence is made of,
//! shared by both languages, and the text is written on first access (JSON, CSV, a binding's
//! dict, [`Explanation::as_str`]). It serialises, displays and compares as the text it stands
//! for, so the contract (JSON and its schema) is that of a string.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Lang;
use crate::eval::explain::Parts;

/// The text explaining one assessment in one language (see the module documentation).
#[derive(Clone)]
pub struct Explanation(Repr);

#[derive(Clone)]
enum Repr {
    /// Text read back (JSON, a caller's value).
    Text(Box<str>),
    /// What an evaluation knows, written in `lang` on first access and then kept.
    Parts {
        lang: Lang,
        parts: Arc<Parts>,
        text: OnceLock<Box<str>>,
    },
}

impl Explanation {
    /// The explanation of `parts` in `lang`, not written yet.
    pub(crate) fn of(lang: Lang, parts: Arc<Parts>) -> Self {
        Explanation(Repr::Parts {
            lang,
            parts,
            text: OnceLock::new(),
        })
    }

    /// The text, written on the first call and kept for later ones.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Text(t) => t,
            Repr::Parts { lang, parts, text } => text.get_or_init(|| parts.render(*lang).into()),
        }
    }

    /// The text, borrowed when it is written already, else written for this call only (not
    /// kept: a report serialised once need not hold every text twice).
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Text(t) => Cow::Borrowed(t),
            Repr::Parts { lang, parts, text } => match text.get() {
                Some(t) => Cow::Borrowed(t),
                None => Cow::Owned(parts.render(*lang)),
            },
        }
    }
}

impl From<String> for Explanation {
    fn from(s: String) -> Self {
        Explanation(Repr::Text(s.into_boxed_str()))
    }
}

impl From<&str> for Explanation {
    fn from(s: &str) -> Self {
        Explanation(Repr::Text(s.into()))
    }
}

/// Reads as its text (written and kept on first use, as [`Explanation::as_str`]).
impl std::ops::Deref for Explanation {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Explanation {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl PartialEq for Explanation {
    fn eq(&self, other: &Self) -> bool {
        if let (
            Repr::Parts {
                parts: a, lang: la, ..
            },
            Repr::Parts {
                parts: b, lang: lb, ..
            },
        ) = (&self.0, &other.0)
        {
            // The same values in the same language are the same text: compared without
            // writing it (a service compares a report's assessments with the last one's).
            if la == lb && (Arc::ptr_eq(a, b) || a == b) {
                return true;
            }
        }
        self.text() == other.text()
    }
}

impl Eq for Explanation {}

impl PartialEq<str> for Explanation {
    fn eq(&self, other: &str) -> bool {
        self.text() == other
    }
}

impl PartialEq<&str> for Explanation {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Explanation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Explanation::from)
    }
}

// The schema of a string: the JSON form is the text.
schema_like!(Explanation, String);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::eval::Evaluator;
    use crate::model::Report;
    use crate::report::AssessmentColumn;
    use crate::unstable::synth::{province, Shape};

    fn written(e: &Explanation) -> bool {
        match &e.0 {
            Repr::Text(_) => true,
            Repr::Parts { text, .. } => text.get().is_some(),
        }
    }

    fn report() -> Report {
        Evaluator::standard()
            .unwrap()
            .evaluate(&province(3, Shape::default()))
            .unwrap()
    }

    #[test]
    fn columns_and_json_do_not_keep_texts_and_reading_writes_the_same_text() {
        let report = report();
        assert!(report.assessments.len() > 1000);
        let everything_but = AssessmentColumn::ALL
            .into_iter()
            .filter(|c| *c != AssessmentColumn::Explanation);
        for a in &report.assessments {
            for c in everything_but.clone() {
                let _ = c.value(a, Lang::Vi);
            }
        }
        let json = serde_json::to_value(&report).unwrap();
        assert!(report
            .assessments
            .iter()
            .all(|a| !written(&a.explanation_vi) && !written(&a.explanation_en)));
        for (a, j) in report
            .assessments
            .iter()
            .zip(json["assessments"].as_array().unwrap())
        {
            assert_eq!(
                a.explanation_vi.as_str(),
                j["explanation_vi"].as_str().unwrap()
            );
            assert_eq!(
                a.explanation_en.to_string(),
                j["explanation_en"].as_str().unwrap()
            );
            assert!(written(&a.explanation_vi) && !written(&a.explanation_en));
            assert!(a.explanation_vi.starts_with(a.status.label(Lang::Vi)));
            assert!(a.explanation_en.ends_with('.'));
        }
    }

    #[test]
    fn a_report_read_back_equals_the_report_and_writes_the_same_json() {
        let report = report();
        let json = serde_json::to_string(&report).unwrap();
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        let (a, b) = (&report.assessments[0], &back.assessments[0]);
        assert!(matches!(b.explanation_vi.0, Repr::Text(_)));
        assert_eq!(a.explanation_vi, b.explanation_vi);
        assert_ne!(a.explanation_vi, a.explanation_en);
        assert_eq!(
            format!("{:?}", a.explanation_en),
            format!("{:?}", &*b.explanation_en)
        );
    }

    #[test]
    fn two_evaluations_compare_equal_without_writing_texts_and_differ_where_texts_do() {
        let (a, b) = (report(), report());
        assert_eq!(a, b, "the same request gives equal reports");
        assert!(a
            .assessments
            .iter()
            .chain(&b.assessments)
            .all(|x| !written(&x.explanation_vi) && !written(&x.explanation_en)));
        // Otherwise they compare by text: the same parts in another language differ, the
        // written text equals them, other parts with another sentence differ.
        let (x, y) = (&a.assessments[0], &a.assessments[1]);
        let p = parts(&x.explanation_vi).clone();
        let vi = Explanation::of(Lang::Vi, p.clone());
        assert_ne!(vi, Explanation::of(Lang::En, p));
        assert_eq!(vi, Explanation::from(x.explanation_vi.as_str()));
        assert_eq!(Explanation::from(x.explanation_vi.as_str()), vi);
        assert_ne!(x.explanation_vi.as_str(), y.explanation_vi.as_str());
        assert_ne!(vi, y.explanation_vi);
    }

    fn parts(e: &Explanation) -> &Arc<Parts> {
        match &e.0 {
            Repr::Parts { parts, .. } => parts,
            Repr::Text(_) => panic!("an evaluated explanation"),
        }
    }

    #[test]
    fn its_schema_is_that_of_a_string() {
        use schemars::{JsonSchema, SchemaGenerator};
        let mut g = SchemaGenerator::default();
        assert_eq!(
            Explanation::json_schema(&mut g),
            String::json_schema(&mut g)
        );
    }
}
