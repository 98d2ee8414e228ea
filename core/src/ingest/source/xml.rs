//! Small helpers over `quick-xml` for the WordprocessingML parts: names without their namespace
//! prefix (`w:p` → `p`), attribute values, and errors with a byte position.

use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::Reader;
use quick_xml::XmlVersion;

/// A part that is not well-formed XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    /// Byte offset in the part.
    pub position: u64,
    pub message: String,
}

impl XmlError {
    pub fn at<R>(r: &Reader<R>, e: impl std::fmt::Display) -> Self {
        XmlError {
            position: r.error_position(),
            message: e.to_string(),
        }
    }
}

/// The element's name without its prefix.
pub(crate) fn local<'a>(s: &'a BytesStart<'_>) -> &'a [u8] {
    local_name(s.name().into_inner())
}

/// A name without its prefix: what follows the first `:`, as quick-xml's `local_name` gives it,
/// with a plain loop (names are a few bytes: quicker than its vectorised search).
pub(crate) fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().position(|&c| c == b':') {
        Some(i) => name.get(i + 1..).unwrap_or_default(),
        None => name,
    }
}

/// The value of the attribute whose name without prefix is `name` (`w:val` → `val`).
pub(crate) fn attr(s: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    s.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().into_inner() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A character or predefined entity reference (`&amp;`, `&#x1EA0;`) as text; unknown ones are
/// kept as written.
pub(crate) fn entity(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    let name = r.decode().map(|c| c.into_owned()).unwrap_or_default();
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => s.to_string(),
        None => format!("&{name};"),
    }
}
