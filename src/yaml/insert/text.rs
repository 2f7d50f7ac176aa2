//! Positions in one document's text: lines and columns, line endings, and the gaps of white
//! space and comments between tokens. Nothing here knows the tree; it is all arithmetic on
//! bytes, which is what the tree's spans are.

/// One document's text, addressed by byte offsets from its start.
#[derive(Clone, Copy, Debug)]
pub(super) struct Text<'s> {
    /// The text itself.
    text: &'s str,
}

impl<'s> Text<'s> {
    /// `text`, which holds one document.
    pub(super) fn new(text: &'s str) -> Text<'s> {
        Text { text }
    }

    /// The offset of the text's end.
    pub(super) fn end(self) -> usize {
        self.text.len()
    }

    /// Whether the text's last line ends with a line break.
    pub(super) fn ends_with_line_break(self) -> bool {
        self.text.ends_with('\n')
    }

    /// The byte at `at`, or `None` at the end.
    pub(super) fn byte(self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    /// The text from `from` to `to`.
    pub(super) fn slice(self, from: usize, to: usize) -> &'s str {
        &self.text[from..to]
    }

    /// The start of the line that `at` is on.
    pub(super) fn line_start(self, at: usize) -> usize {
        memchr::memrchr(b'\n', &self.text.as_bytes()[..at]).map_or(0, |newline| newline + 1)
    }

    /// The start of the line after the one `at` is on, or the end of the text.
    pub(super) fn next_line_start(self, at: usize) -> usize {
        match memchr::memchr(b'\n', &self.text.as_bytes()[at..]) {
            Some(newline) => at + newline + 1,
            None => self.end(),
        }
    }

    /// The start of the line after the one where a span ending at `end` ends. A span that
    /// already ends at a line start (a block scalar, with its final line break) ends there.
    pub(super) fn line_after(self, end: usize) -> usize {
        if end > 0 && self.byte(end - 1) == Some(b'\n') {
            return end;
        }
        self.next_line_start(end)
    }

    /// The column of `at`, in bytes from its line's start (indentation is spaces, so bytes and
    /// characters agree where columns matter).
    pub(super) fn column(self, at: usize) -> usize {
        at - self.line_start(at)
    }

    /// The line ending of the line at `at`: that of the next line break, else (on a last line
    /// without one) of the line before; `\n` in a text without line breaks.
    pub(super) fn line_ending_near(self, at: usize) -> &'static str {
        let at = at.min(self.end());
        let bytes = self.text.as_bytes();
        let newline = memchr::memchr(b'\n', &bytes[at..])
            .map(|n| at + n)
            .or_else(|| memchr::memrchr(b'\n', &bytes[..at]));
        newline.map_or("\n", |newline| ending_at(bytes, newline))
    }

    /// The line ending of the document's first line, `\n` when it has no line break.
    pub(super) fn line_ending(self) -> &'static str {
        let bytes = self.text.as_bytes();
        memchr::memchr(b'\n', bytes).map_or("\n", |newline| ending_at(bytes, newline))
    }

    /// The first offset from `at` on that is not white space, a line break or in a comment.
    pub(super) fn skip_gap(self, mut at: usize) -> usize {
        while let Some(byte) = self.byte(at) {
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' => at += 1,
                b'#' => at = self.next_line_start(at),
                _ => break,
            }
        }
        at
    }

    /// Where the gap after a flow entry ending at `at` ends: after the comma that follows it
    /// (past white space and comments), or at the next token when no comma does.
    pub(super) fn after_comma(self, at: usize) -> usize {
        let next = self.skip_gap(at);
        if self.byte(next) == Some(b',') { next + 1 } else { next }
    }

    /// The offset after the first `:` from `at` on (the end of the text when there is none).
    pub(super) fn past_colon(self, at: usize) -> usize {
        match memchr::memchr(b':', &self.text.as_bytes()[at..]) {
            Some(colon) => at + colon + 1,
            None => self.end(),
        }
    }

    /// Where the comment that follows `at` on its line ends (before the line break), if one
    /// does.
    pub(super) fn comment_on_line(self, at: usize) -> Option<usize> {
        let rest = self.slice(at, self.next_line_start(at));
        if !rest.trim_start_matches([' ', '\t']).starts_with('#') {
            return None;
        }
        Some(at + rest.trim_end_matches(['\n', '\r']).len())
    }
}

/// The line ending whose `\n` is at `newline`.
fn ending_at(bytes: &[u8], newline: usize) -> &'static str {
    if newline > 0 && bytes[newline - 1] == b'\r' { "\r\n" } else { "\n" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_start_after_each_line_break() {
        let text = Text::new("a: 1\nb: 2");
        assert_eq!(text.line_start(7), 5);
        assert_eq!(text.next_line_start(1), 5);
        assert_eq!(text.next_line_start(6), 9, "the last line ends at the end of the text");
        assert_eq!(text.column(8), 3);
    }

    #[test]
    fn the_line_after_a_span_that_ends_at_a_line_start_is_that_line() {
        let text = Text::new("a: |\n  x\nb: 1\n");
        assert_eq!(text.line_after(9), 9, "a block scalar ends with its line break");
        assert_eq!(text.line_after(3), 5);
    }

    #[test]
    fn a_line_ending_is_that_of_its_line_else_that_of_the_line_before() {
        let text = Text::new("a: 1\nb: 2\r\nc: 3");
        assert_eq!(text.line_ending_near(1), "\n");
        assert_eq!(text.line_ending_near(7), "\r\n");
        assert_eq!(text.line_ending_near(13), "\r\n", "the last line has none: the one before");
        assert_eq!(Text::new("a: 1").line_ending_near(2), "\n");
    }

    #[test]
    fn the_documents_line_ending_is_that_of_its_first_line() {
        assert_eq!(Text::new("a: 1\r\nb: 2\n").line_ending(), "\r\n");
        assert_eq!(Text::new("a: 1").line_ending(), "\n");
    }

    #[test]
    fn gaps_are_white_space_line_breaks_and_comments() {
        let text = Text::new("{a: 1 # one\n  , b: 2}");
        assert_eq!(text.skip_gap(5), 14, "past the comment, to the comma");
        assert_eq!(text.after_comma(5), 15);
        assert_eq!(text.after_comma(20), 20, "no comma before the bracket: the gap ends there");
    }

    #[test]
    fn a_comment_on_the_line_ends_before_its_line_break() {
        let text = Text::new("{a: 1,  # one\r\n}");
        assert_eq!(text.comment_on_line(6), Some(13));
        assert_eq!(text.comment_on_line(4), None);
    }

    #[test]
    fn past_colon_is_after_the_next_colon() {
        let text = Text::new("key :\n");
        assert_eq!(text.past_colon(3), 5);
        assert_eq!(text.past_colon(5), 6, "no colon: the end");
    }
}
