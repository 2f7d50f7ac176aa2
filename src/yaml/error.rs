//! The YAML layer's one error: what went wrong, and the bytes of the document it concerns.

use std::fmt;
use std::ops::Range;

/// A document that cannot be read, or read the way the caller asked: a syntax error, an alias
/// to nothing, a duplicate key, a node of the wrong kind.
///
/// `span` is a byte range of the document's text: a node's bytes, or an empty range where the
/// parser stopped. Only the caller knows where the document stands in its input, so turning the
/// span into a line and column is the caller's job; [`Display`](fmt::Display) shows the message
/// alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The bytes the error is about, in the document's text.
    pub span: Range<usize>,
    /// What went wrong, as one line for people.
    pub message: String,
}

impl Error {
    /// An error about the bytes `span`.
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Error {
        Error { span, message: message.into() }
    }

    /// An error at the single position `offset`.
    pub fn at(offset: usize, message: impl Into<String>) -> Error {
        Error::new(offset..offset, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_shows_its_message_alone_and_keeps_its_span() {
        let error = Error::new(3..7, "duplicate key `spec` in one mapping");
        assert_eq!(error.to_string(), "duplicate key `spec` in one mapping");
        assert_eq!(error.span, 3..7);
        assert_eq!(Error::at(5, "x").span, 5..5);
    }
}
