//! Reading a few facts off a document's column-0 lines without parsing it.
//!
//! In a block mapping at the top of a document, every key sits at column 0, and YAML forbids
//! content at column 0 inside block scalars. So `kind: Foo` at the start of a line is the
//! top-level `kind`, unless the document is not a plain block mapping (flow, JSON, a quoted or
//! complex key) or a multi-line quoted scalar continues at column 0; the first is checked, the
//! second is the one case a skim cannot see (kubectl, kustomize and Helm never print it), which
//! is why callers that must validate parse instead.

use memchr::memmem;

/// Whether the document's first content line (after comments, directives and its `---`) is a
/// plain key at column 0, as in a block mapping.
pub fn starts_as_block_mapping(document: &[u8]) -> bool {
    let document = document.strip_prefix("\u{feff}".as_bytes()).unwrap_or(document);
    for line in document.split(|&b| b == b'\n') {
        let content = line.trim_ascii_start();
        if content.is_empty() || content[0] == b'#' || line[0] == b'%' {
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"---") {
            if rest.trim_ascii().is_empty() || rest.trim_ascii_start().starts_with(b"#") {
                continue;
            }
            return false;
        }
        return line[0].is_ascii_alphabetic() || line[0] == b'_';
    }
    false
}

/// The lines at column 0 that start with `key:`, as offsets of their value (after the colon).
fn key_lines<'d>(document: &'d [u8], key: &'d [u8]) -> impl Iterator<Item = usize> + 'd {
    let at_start = document.starts_with(key).then_some(0);
    let pattern = [b"\n".as_slice(), key].concat();
    let finder = memmem::Finder::new(&pattern).into_owned();
    let after_newline: Vec<usize> = finder.find_iter(document).map(|at| at + 1).collect();
    at_start.into_iter().chain(after_newline).filter_map(move |at| {
        let after = at + key.len();
        (document.get(after) == Some(&b':')).then_some(after + 1)
    })
}

/// The value of the top-level `key` when the document has exactly one column-0 `key:` line and
/// its value is a plain word of letters and digits (optionally followed by a comment).
pub fn top_level_word<'d>(document: &'d [u8], key: &str) -> Option<&'d str> {
    let mut lines = key_lines(document, key.as_bytes());
    let value_at = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    let rest = &document[value_at..];
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let value = line.trim_ascii_start();
    let word_len = value.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
    let (word, after) = value.split_at(word_len);
    let after = after.trim_ascii();
    let ends_well = after.is_empty()
        || (after.starts_with(b"#") && value.len() > word_len && value[word_len] == b' ');
    if word.is_empty() || !ends_well {
        return None;
    }
    std::str::from_utf8(word).ok()
}

/// Whether some column-0 line starts with `key:`.
pub fn has_top_level_key(document: &[u8], key: &str) -> bool {
    key_lines(document, key.as_bytes()).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_kind_is_read_off_its_line() {
        assert_eq!(
            top_level_word(b"apiVersion: v1\nkind: ConfigMap\ndata:\n  kind: x\n", "kind"),
            Some("ConfigMap")
        );
        assert_eq!(
            top_level_word(b"kind: CustomResourceDefinition # crd\n", "kind"),
            Some("CustomResourceDefinition")
        );
        assert_eq!(top_level_word(b"kind: Config\r\n", "kind"), Some("Config"));
    }

    #[test]
    fn anything_unusual_is_not_a_word() {
        for document in [
            "kind: \"ConfigMap\"\n",
            "kind: Config Map\n",
            "kind: ConfigMap\nkind: Deployment\n",
            "\"kind\": ConfigMap\n",
            "metadata:\n  kind: ConfigMap\n",
            "kind:#x\n",
            "kind: ConfigMap#x\n",
        ] {
            assert_eq!(top_level_word(document.as_bytes(), "kind"), None, "{document:?}");
        }
    }

    #[test]
    fn block_mappings_are_told_from_flow_and_json() {
        assert!(starts_as_block_mapping(b"# c\n%YAML 1.2\n---\napiVersion: v1\n"));
        assert!(starts_as_block_mapping("\u{feff}kind: A\n".as_bytes()));
        assert!(!starts_as_block_mapping(b"{\"kind\": \"A\"}\n"));
        assert!(!starts_as_block_mapping(b"--- {kind: A}\n"));
        assert!(!starts_as_block_mapping(b"? kind\n: A\n"));
        assert!(!starts_as_block_mapping(b"\"kind\": A\n"));
        assert!(!starts_as_block_mapping(b"- a\n"));
    }

    #[test]
    fn top_level_keys_are_found_only_at_column_0() {
        assert!(has_top_level_key(b"kind: List\nitems:\n- a\n", "items"));
        assert!(!has_top_level_key(b"spec:\n  items: []\n", "items"));
        assert!(has_top_level_key(b"<<: *base\n", "<<"));
    }
}
