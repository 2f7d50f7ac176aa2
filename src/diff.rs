//! Unified diffs, as `diff -u` and `git diff` print them, optionally coloured.
//!
//! Knows nothing about YAML: callers pass text that is already fit to print (credentials
//! redacted).

use similar::{ChangeTag, TextDiff};

/// ANSI colours of `git diff`: bold headers, cyan hunk headers, red and green lines.
struct Palette {
    bold: &'static str,
    hunk: &'static str,
    removed: &'static str,
    added: &'static str,
    reset: &'static str,
}

const COLOURS: Palette = Palette {
    bold: "\x1b[1m",
    hunk: "\x1b[36m",
    removed: "\x1b[31m",
    added: "\x1b[32m",
    reset: "\x1b[0m",
};
const PLAIN: Palette = Palette { bold: "", hunk: "", removed: "", added: "", reset: "" };

/// The unified diff from `old` to `new` with 3 lines of context, headed `--- a/NAME` and
/// `+++ b/NAME` (`<stdin>` stays as it is). Empty when the texts are equal.
pub fn unified(old: &str, new: &str, name: &str, colour: bool) -> String {
    let palette = if colour { &COLOURS } else { &PLAIN };
    let diff = TextDiff::from_lines(old, new);
    let (old_name, new_name) = match name {
        "<stdin>" => (name.to_string(), name.to_string()),
        _ => (format!("a/{name}"), format!("b/{name}")),
    };
    let mut out = String::new();
    for (index, hunk) in diff.unified_diff().context_radius(3).iter_hunks().enumerate() {
        if index == 0 {
            let Palette { bold, reset, .. } = palette;
            out.push_str(&format!("{bold}--- {old_name}{reset}\n{bold}+++ {new_name}{reset}\n"));
        }
        out.push_str(&format!("{}{}{}\n", palette.hunk, hunk.header(), palette.reset));
        for change in hunk.iter_changes() {
            let (sign, colour) = match change.tag() {
                ChangeTag::Equal => (' ', ""),
                ChangeTag::Delete => ('-', palette.removed),
                ChangeTag::Insert => ('+', palette.added),
            };
            let line = change.value();
            let line = line.strip_suffix('\n').unwrap_or(line);
            let reset = if colour.is_empty() { "" } else { palette.reset };
            out.push_str(&format!("{colour}{sign}{line}{reset}\n"));
            if change.missing_newline() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a\n", "a\n", "x.yaml", false), "");
    }

    #[test]
    fn an_insertion_shows_three_lines_of_context() {
        let old = "1\n2\n3\n4\n5\n6\n";
        let new = "1\n2\n3\n4\nnew\n5\n6\n";
        let expected =
            "--- a/k8s/x.yaml\n+++ b/k8s/x.yaml\n@@ -2,5 +2,6 @@\n 2\n 3\n 4\n+new\n 5\n 6\n";
        assert_eq!(unified(old, new, "k8s/x.yaml", false), expected);
    }

    #[test]
    fn stdin_keeps_its_name_and_a_missing_final_newline_is_marked() {
        let diff = unified("a", "a\nb", "<stdin>", false);
        assert!(diff.starts_with("--- <stdin>\n+++ <stdin>\n"), "{diff}");
        assert!(
            diff.contains(
                "-a\n\\ No newline at end of file\n+a\n+b\n\\ No newline at end of file\n"
            ),
            "{diff}"
        );
    }

    #[test]
    fn colour_wraps_each_line_kind() {
        let diff = unified("a\n", "b\n", "f", true);
        assert!(
            diff.contains("\x1b[31m-a\x1b[0m\n") && diff.contains("\x1b[32m+b\x1b[0m\n"),
            "{diff:?}"
        );
        assert!(diff.starts_with("\x1b[1m--- a/f\x1b[0m\n"));
    }
}
