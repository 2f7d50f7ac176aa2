//! Byte-range edits applied to text that is otherwise copied untouched.
//!
//! Modelled on rustfix's `replace.rs`: the original bytes stay as they are and an edit is either an
//! insertion (an empty range) or a replacement of a range. Rendering copies the original between
//! edits, so every byte nobody asked to change comes out exactly as it went in. Nothing here knows
//! about YAML or Kubernetes.

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;

/// One change: `range` of the original is replaced by `text` (an insertion when `range` is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Byte range of the original that the edit replaces; empty for an insertion.
    pub range: Range<usize>,
    /// The bytes written in place of `range`.
    pub text: String,
}

impl Edit {
    /// Inserts `text` before the byte at `at`.
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit { range: at..at, text: text.into() }
    }

    /// Replaces `range` by `text`.
    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit { range, text: text.into() }
    }

    /// Whether the edit only adds bytes.
    pub fn is_insertion(&self) -> bool {
        self.range.is_empty()
    }

    /// The same edit on a text that has `by` more bytes in front: how an edit of one document
    /// becomes an edit of the stream it was cut from.
    pub fn shifted(self, by: usize) -> Edit {
        Edit { range: self.range.start + by..self.range.end + by, text: self.text }
    }
}

/// Sorts `edits` by position (insertions at one offset keep the order they were made in) and
/// checks that no two of them touch the same original bytes and that all lie within `len`.
pub fn sort_and_check(edits: &mut [Edit], len: usize) -> Result<(), Conflict> {
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut covering: Option<&Edit> = None;
    for edit in edits.iter() {
        if edit.range.start > edit.range.end || edit.range.end > len {
            return Err(Conflict::OutOfBounds { edit: edit.clone(), len });
        }
        if let Some(earlier) = covering.filter(|earlier| edit.range.start < earlier.range.end) {
            return Err(Conflict::Overlap { earlier: earlier.clone(), later: edit.clone() });
        }
        covering = Some(edit);
    }
    Ok(())
}

/// Why a set of edits cannot be applied. Either is a bug in whoever planned the edits, so the
/// message names the edits, for the bug report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// Two edits touch the same original bytes: `later` starts before `earlier` ends.
    Overlap {
        /// The edit that starts first.
        earlier: Edit,
        /// The edit that starts inside it.
        later: Edit,
    },
    /// An edit reaches past the end of the `len` bytes edited, or its range runs backwards.
    OutOfBounds {
        /// The edit.
        edit: Edit,
        /// The length of the text edited.
        len: usize,
    },
}

impl Conflict {
    /// Where in the original the conflict is: the start of the later of two colliding edits,
    /// or of the edit out of bounds (at most `len`).
    pub fn offset(&self) -> usize {
        match self {
            Conflict::Overlap { later, .. } => later.range.start,
            Conflict::OutOfBounds { edit, len } => edit.range.start.min(*len),
        }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::Overlap { earlier, later } => {
                write!(f, "{} overlaps {}", Described(later), Described(earlier))
            }
            Conflict::OutOfBounds { edit, len } => {
                write!(f, "{} lies outside the {len} bytes edited", Described(edit))
            }
        }
    }
}

impl std::error::Error for Conflict {}

/// An edit as a message names it: what it does where, its text shortened.
struct Described<'e>(&'e Edit);

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Enough of an inserted text to recognise it by.
        const SHOWN: usize = 24;
        let Edit { range, text } = self.0;
        let shown = match text.char_indices().nth(SHOWN) {
            Some((cut, _)) => format!("{:?}…", &text[..cut]),
            None => format!("{text:?}"),
        };
        if range.is_empty() {
            write!(f, "the insertion of {shown} at byte {}", range.start)
        } else {
            write!(f, "the replacement of bytes {}..{} by {shown}", range.start, range.end)
        }
    }
}

/// Writes `original` with `edits` applied. The edits must have passed [`sort_and_check`].
pub fn write_edited(original: &[u8], edits: &[Edit], out: &mut impl Write) -> io::Result<()> {
    let mut copied_to = 0;
    for edit in edits {
        out.write_all(&original[copied_to..edit.range.start])?;
        out.write_all(edit.text.as_bytes())?;
        copied_to = edit.range.end;
    }
    out.write_all(&original[copied_to..])
}

/// `original` with `edits` applied, as a new buffer.
pub fn apply(original: &[u8], edits: &[Edit]) -> Vec<u8> {
    let added: usize = edits.iter().map(|edit| edit.text.len()).sum();
    let mut out = Vec::with_capacity(original.len() + added);
    write_edited(original, edits, &mut out).expect("writing to a Vec cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(original: &str, mut edits: Vec<Edit>) -> String {
        sort_and_check(&mut edits, original.len()).unwrap();
        String::from_utf8(apply(original.as_bytes(), &edits)).unwrap()
    }

    #[test]
    fn no_edits_copies_the_original() {
        assert_eq!(edited("a: 1\n", vec![]), "a: 1\n");
    }

    #[test]
    fn insert_at_beginning_middle_and_end() {
        let edits =
            vec![Edit::insert(5, "c: 3\n"), Edit::insert(0, "# top\n"), Edit::insert(2, "x")];
        assert_eq!(edited("a: 1\n", edits), "# top\na:x 1\nc: 3\n");
    }

    #[test]
    fn insertions_at_one_offset_keep_their_order() {
        let edits = vec![Edit::insert(0, "1"), Edit::insert(0, "2")];
        assert_eq!(edited("", edits), "12");
    }

    #[test]
    fn replace_a_range() {
        assert_eq!(edited("a: null\n", vec![Edit::replace(3..7, "[]")]), "a: []\n");
    }

    #[test]
    fn a_shifted_edit_applies_to_the_larger_text() {
        let edit = Edit::replace(3..7, "[]").shifted(4);
        assert_eq!(edit.range, 7..11);
        assert_eq!(edited("---\na: null\n", vec![edit]), "---\na: []\n");
    }

    #[test]
    fn overlapping_edits_are_refused_naming_both() {
        let mut edits = vec![Edit::replace(2..5, "y"), Edit::replace(0..4, "x")];
        let conflict = sort_and_check(&mut edits, 8).unwrap_err();
        let (earlier, later) = (Edit::replace(0..4, "x"), Edit::replace(2..5, "y"));
        assert_eq!(conflict, Conflict::Overlap { earlier, later });
        assert_eq!(conflict.offset(), 2);
        assert_eq!(
            conflict.to_string(),
            "the replacement of bytes 2..5 by \"y\" overlaps the replacement of bytes 0..4 by \"x\""
        );
    }

    #[test]
    fn an_insertion_inside_a_replacement_collides_with_it() {
        let mut edits = vec![Edit::replace(3..7, "[]"), Edit::insert(5, "x")];
        let conflict = sort_and_check(&mut edits, 8).unwrap_err();
        assert_eq!(
            conflict.to_string(),
            "the insertion of \"x\" at byte 5 overlaps the replacement of bytes 3..7 by \"[]\""
        );
    }

    #[test]
    fn edits_that_only_touch_do_not_collide() {
        let mut edits = vec![Edit::replace(3..7, "[]"), Edit::insert(7, "x"), Edit::insert(3, "y")];
        assert_eq!(sort_and_check(&mut edits, 8), Ok(()));
    }

    #[test]
    fn a_conflict_shows_the_start_of_a_long_text_with_its_escapes() {
        let long = "imagePullSecrets:\n- name: acr-secret\n";
        let mut edits = vec![Edit::insert(4, long), Edit::replace(0..6, "")];
        assert_eq!(
            sort_and_check(&mut edits, 8).unwrap_err().to_string(),
            "the insertion of \"imagePullSecrets:\\n- name\"… at byte 4 overlaps the \
             replacement of bytes 0..6 by \"\""
        );
    }

    #[test]
    fn ranges_past_the_end_are_refused() {
        let mut edits = vec![Edit::insert(9, "x")];
        let conflict = sort_and_check(&mut edits, 3).unwrap_err();
        assert_eq!(
            conflict.to_string(),
            "the insertion of \"x\" at byte 9 lies outside the 3 bytes edited"
        );
        assert_eq!(conflict.offset(), 3);
    }
}
