//! The one error type the binary reports: a single line, exit status 2.

use std::fmt;

/// Something went wrong; the message is complete and safe to print (it never holds a
/// credential).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    broken_pipe: bool,
    /// The input is not YAML at all (as opposed to YAML this tool cannot edit): a Helm
    /// template read by mistake, say, about which the caller may know more.
    syntax: bool,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error { message: message.into(), broken_pipe: false, syntax: false }
    }

    /// Writing the output failed.
    pub fn output(error: std::io::Error) -> Error {
        let broken_pipe = error.kind() == std::io::ErrorKind::BrokenPipe;
        Error { message: format!("cannot write the output: {error}"), broken_pipe, syntax: false }
    }

    /// Whether the reader of the output went away (`acr-inject ... | head`).
    pub fn is_broken_pipe(&self) -> bool {
        self.broken_pipe
    }

    /// An error at a place in an input: `SOURCE:LINE:COLUMN: MESSAGE`.
    pub fn at(location: &Location, message: impl fmt::Display) -> Error {
        Error::new(format!("{location}: {message}"))
    }

    /// A YAML syntax error at a place in an input.
    pub fn syntax_at(location: &Location, message: impl fmt::Display) -> Error {
        Error { syntax: true, ..Error::at(location, message) }
    }

    /// Whether the input failed to parse as YAML.
    pub fn is_syntax(&self) -> bool {
        self.syntax
    }

    /// The error with `hint` appended: what the caller knows of the likely cause.
    pub fn with_hint(self, hint: &str) -> Error {
        Error { message: format!("{}; {hint}", self.message), ..self }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A position in an input, as people count: lines and columns (in characters) from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub source: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` of `text`, whose first line is line `first_line` (from 1).
    /// A column counts characters; where `offset` falls inside invalid UTF-8 it counts bytes.
    pub fn in_text(source: &str, text: &[u8], first_line: usize, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |newline| newline + 1);
        let newlines = before.iter().filter(|&&b| b == b'\n').count();
        let column = match std::str::from_utf8(&before[line_start..]) {
            Ok(line) => line.chars().count() + 1,
            Err(_) => offset - line_start + 1,
        };
        Location { source: source.to_string(), line: first_line + newlines, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.source, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters_from_one() {
        let text = "a: 1\nbé: [\n".as_bytes();
        let at = Location::in_text("<stdin>", text, 1, 10);
        assert_eq!(at.to_string(), "<stdin>:2:5");
        assert_eq!(Location::in_text("f.yaml", text, 40, 0).to_string(), "f.yaml:40:1");
    }
}

/// `text` in backquotes for a message, cut in the middle when it is long: a value from a
/// file or a flag may be of any length (a rules path of 10,000 segments), and a message
/// must stay one readable line.
pub fn quoted(text: &str) -> String {
    const MOST: usize = 80;
    if text.chars().count() <= MOST {
        return format!("`{text}`");
    }
    let head: String = text.chars().take(MOST / 2).collect();
    let tail: Vec<char> = text.chars().rev().take(MOST / 4).collect();
    let tail: String = tail.into_iter().rev().collect();
    format!("`{head}…{tail}` ({} characters)", text.chars().count())
}

#[cfg(test)]
mod quoted_tests {
    use super::quoted;

    #[test]
    fn short_text_is_quoted_whole_and_long_text_is_cut_in_the_middle() {
        assert_eq!(quoted("spec.template.spec"), "`spec.template.spec`");
        let long = format!("{}z", "a.".repeat(10_000));
        let shown = quoted(&long);
        assert!(
            shown.starts_with("`a.a.") && shown.ends_with("a.z` (20001 characters)"),
            "{shown}"
        );
        assert!(shown.chars().count() < 120, "{shown}");
        assert_eq!(quoted(&"é".repeat(81)).chars().filter(|&c| c == 'é').count(), 60);
    }
}
