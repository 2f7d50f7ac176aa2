//! Where the pull secrets go in the stream: which namespace groups get one, where each part of
//! it is written, and what happens to one the input already holds.
//!
//! The rules, for each part of a group's pull secret (see [`crate::formats`]):
//! - it goes right before the group's first workload, each part held in its own output slot, so
//!   that it can still be taken back;
//! - a pull secret of ours that the input holds later on takes its place: the planned slot is
//!   cancelled and the object is replaced where it stands (or kept byte for byte when the
//!   format says it is current), so that running the tool on its own output changes nothing;
//! - when every part planned before one document is taken back, the marker that closed them
//!   (`---` or `...`) goes too, and the document reads as it did;
//! - streaming, a slot is already written and cannot be taken back: the pull secret found later
//!   is dropped, since it would only repeat it.
//!
//! Nothing here reads or writes files, or knows about document bytes: the filter hands over the
//! groups a document needs and the pull secrets it finds, and writes the document around them.

use std::collections::HashMap;

use zeroize::Zeroizing;

use crate::edit;
use crate::error::Error;
use crate::formats::{Kind, SecretFormat};
use crate::output::{Output, Slot};
use crate::yaml::insert::{Editor, NewNode};
use crate::yaml::tree::Tree;

/// A namespace group: the namespace objects name, or the assumed one; `None` for objects that
/// name none when none is assumed.
pub type Group = Option<String>;

/// Parts to reuse instead of rendering afresh, by group and part: text from `apiVersion` on,
/// with `\n` line endings (found current in a previous output of this command).
pub type Reusable = HashMap<(Group, usize), String>;

/// Annotations (key, value) that every emitted object carries, whatever its format: how a
/// caller such as Helm's post-renderer protocol tells our objects apart.
pub type Annotations = [(String, String)];

/// What a run emits: the format, the name of its objects, what to reuse, and the annotations
/// every emitted object gets.
#[derive(Clone, Copy, Debug)]
pub struct PullSecrets<'c> {
    pub format: &'c dyn SecretFormat,
    pub name: &'c str,
    pub reusable: &'c Reusable,
    pub annotations: &'c Annotations,
}

impl PullSecrets<'_> {
    /// Part `part` for `group`, lines ending with `eol`, with the annotations: the one place
    /// where emitted objects are rendered.
    fn text(&self, group: &Group, part: usize, eol: &str) -> Result<Zeroizing<String>, Error> {
        let text = match self.reusable.get(&(group.clone(), part)) {
            Some(previous) => {
                Zeroizing::new(previous.lines().map(|line| format!("{line}{eol}")).collect())
            }
            None => self.format.render(part, self.name, group.as_deref(), eol)?,
        };
        if self.annotations.is_empty() {
            return Ok(text);
        }
        if !self.format.accepts_added_metadata() {
            return Err(Error::new(format!(
                "{} cannot be annotated after it is rendered (its protection covers the whole object)",
                self.format.description()
            )));
        }
        self.annotations.iter().try_fold(text, |text, (key, value)| annotate(text, key, value))
    }

    /// The part an object of `kind` found in the input stands for: the part of that kind, else
    /// (an object another format made) the first part `placed` does not have from the input.
    fn part_for(&self, kind: Kind, taken: impl Fn(usize) -> bool) -> usize {
        let parts = self.format.parts();
        parts
            .iter()
            .position(|part| *part == kind)
            .or_else(|| (0..parts.len()).find(|&part| !taken(part)))
            .unwrap_or(0)
    }
}

/// Where one part of a group's pull secret stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placed {
    /// Planned before the group's first workload, in [`Placement::batches`]`[batch]`; one
    /// found later in the input may take its place.
    BeforeFirstWorkload { slot: Slot, batch: usize },
    /// Written (or kept) where the input had one, or appended at the end.
    WhereTheInputHadIt,
}

/// Parts placed together before one document.
#[derive(Debug)]
struct Batch {
    /// How many of them are still in place.
    live: usize,
    /// The `---` or `...` written after them, held so that it can be taken back with them.
    closing: Option<Slot>,
}

/// What to do with a pull secret found in the input.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// Keep it byte for byte: it is current.
    Keep,
    /// Write this over its body.
    Replace(Zeroizing<String>),
    /// Leave its body out: streaming, the same part already went out before the group's first
    /// workload, and a second copy would only repeat it.
    Drop,
}

/// The placement state of one run.
#[derive(Debug)]
pub struct Placement<'c> {
    secrets: PullSecrets<'c>,
    /// Each group's parts, by part index; `None` for a part not placed yet.
    placed: HashMap<Group, Vec<Option<Placed>>>,
    batches: Vec<Batch>,
}

impl<'c> Placement<'c> {
    pub fn new(secrets: PullSecrets<'c>) -> Placement<'c> {
        Placement { secrets, placed: HashMap::new(), batches: Vec::new() }
    }

    /// Where part `part` of `group` stands, if it is placed.
    fn placed(&self, group: &Group, part: usize) -> Option<Placed> {
        self.placed.get(group).and_then(|parts| parts[part])
    }

    /// Records where part `part` of `group` stands.
    fn set_placed(&mut self, group: &Group, part: usize, placed: Placed) {
        let parts = self.secrets.format.parts().len();
        if !self.placed.contains_key(group) {
            self.placed.insert(group.clone(), vec![None; parts]);
        }
        self.placed.get_mut(group).expect("inserted above")[part] = Some(placed);
    }

    /// Writes, before a document whose pod specs belong to `groups`, every part of those groups
    /// not placed yet, each preceded by `---`. Returns how many it wrote; when it wrote any,
    /// the caller must then call [`Placement::close_batch`].
    pub fn place_before(
        &mut self,
        groups: &[Group],
        eol: &str,
        out: &mut dyn Output,
    ) -> Result<usize, Error> {
        let batch = self.batches.len();
        let mut written = 0;
        for group in groups {
            for part in 0..self.secrets.format.parts().len() {
                if self.placed(group, part).is_some() {
                    continue;
                }
                let slot = out.secret(self.document(group, part, eol)?).map_err(Error::output)?;
                self.set_placed(group, part, Placed::BeforeFirstWorkload { slot, batch });
                written += 1;
            }
        }
        if written > 0 {
            self.batches.push(Batch { live: written, closing: None });
        }
        Ok(written)
    }

    /// Writes what must follow the parts just placed so that the document after them still
    /// starts a document of its own (`---`, or `...` before directives), held with them: if
    /// every one of them is taken back, so is it.
    pub fn close_batch(&mut self, closing: &str, out: &mut dyn Output) -> Result<(), Error> {
        let slot = out.secret(Zeroizing::new(closing.to_string())).map_err(Error::output)?;
        if let Some(batch) = self.batches.last_mut() {
            batch.closing = Some(slot);
        }
        Ok(())
    }

    /// A pull secret of ours, of `kind`, found in the input for `group`; `current` when the
    /// format judged it current (only meaningful when it is of one of the format's parts).
    /// Takes back the part planned before the group's first workload, if any.
    pub fn found(
        &mut self,
        group: &Group,
        kind: Kind,
        current: bool,
        eol: &str,
        out: &mut dyn Output,
    ) -> Result<Found, Error> {
        let from_input = |part| self.placed(group, part) == Some(Placed::WhereTheInputHadIt);
        let part = self.secrets.part_for(kind, from_input);
        if let Some(Placed::BeforeFirstWorkload { slot, batch }) = self.placed(group, part) {
            if !out.cancel(slot) {
                return Ok(Found::Drop);
            }
            let batch = &mut self.batches[batch];
            batch.live -= 1;
            if batch.live == 0
                && let Some(closing) = batch.closing
            {
                out.cancel(closing);
            }
        }
        self.set_placed(group, part, Placed::WhereTheInputHadIt);
        if current && self.secrets.format.parts()[part] == kind {
            return Ok(Found::Keep);
        }
        Ok(Found::Replace(self.secrets.text(group, part, eol)?))
    }

    /// Whether every part of `group` is placed.
    pub fn holds_all(&self, group: &Group) -> bool {
        let parts = self.secrets.format.parts().len();
        (0..parts).all(|part| self.placed(group, part).is_some())
    }

    /// Writes every part of `group` that the stream does not hold yet as documents of their
    /// own, each preceded by `---` (for `--secret-file`). Returns how many it wrote.
    pub fn append_missing(
        &mut self,
        group: &Group,
        eol: &str,
        out: &mut dyn Output,
    ) -> Result<usize, Error> {
        let mut written = 0;
        for part in 0..self.secrets.format.parts().len() {
            if self.placed(group, part).is_some() {
                continue;
            }
            out.secret(self.document(group, part, eol)?).map_err(Error::output)?;
            self.set_placed(group, part, Placed::WhereTheInputHadIt);
            written += 1;
        }
        Ok(written)
    }

    /// Part `part` of `group` as a document of its own: `---` and the object.
    fn document(&self, group: &Group, part: usize, eol: &str) -> Result<Zeroizing<String>, Error> {
        let text = self.secrets.text(group, part, eol)?;
        let mut document = Zeroizing::new(String::with_capacity(3 + eol.len() + text.len()));
        document.push_str("---");
        document.push_str(eol);
        document.push_str(&text);
        Ok(document)
    }
}

/// `object` (a rendered part) with the annotation `key: value` under `metadata.annotations`,
/// added in the style of the text around it by the lossless editor; unchanged when it has the
/// key already (a reused part).
fn annotate(object: Zeroizing<String>, key: &str, value: &str) -> Result<Zeroizing<String>, Error> {
    let internal =
        |why: &str| Error::new(format!("internal error annotating the pull secret: {why}"));
    let tree = Tree::parse(&object).map_err(|e| internal(&e.message))?;
    let editor = Editor::new(&object, &tree);
    let root = tree.root.ok_or_else(|| internal("empty object"))?;
    let shape = |e: crate::yaml::Error| internal(&e.message);
    let metadata = tree.own_entry(root, "metadata").map_err(shape)?;
    let (_, metadata) = metadata.ok_or_else(|| internal("no metadata"))?;
    let edits = match tree.own_entry(metadata, "annotations").map_err(shape)? {
        Some((_, annotations)) if tree.entries(annotations).is_some() => {
            if tree.own_entry(annotations, key).map_err(shape)?.is_some() {
                return Ok(object);
            }
            editor.add_entry(annotations, key, &NewNode::Str(value)).map_err(shape)?
        }
        Some(_) => return Err(internal("metadata.annotations is not a mapping")),
        None => {
            let entry = NewNode::Map(vec![(key, NewNode::Str(value))]);
            editor.add_entry(metadata, "annotations", &entry).map_err(shape)?
        }
    };
    let mut edits = edits;
    edit::sort_and_check(&mut edits, object.len()).map_err(|why| internal(&why.to_string()))?;
    let edited = Zeroizing::new(edit::apply(object.as_bytes(), &edits));
    let text = std::str::from_utf8(&edited).map_err(|_| internal("not UTF-8"))?;
    Ok(Zeroizing::new(text.to_string()))
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;
    use crate::k8s::object::ObjectView;

    /// An output that records what happens to it, as `held` output would release it.
    #[derive(Default)]
    struct Recorder {
        /// Plain text and slots in order; a cancelled slot is `None`.
        pieces: Vec<Option<String>>,
        /// Slots cannot be taken back (as when streaming).
        streaming: bool,
    }

    impl Recorder {
        fn text(&self) -> String {
            self.pieces.iter().flatten().cloned().collect()
        }
    }

    impl Output for Recorder {
        fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
            self.pieces.push(Some(String::from_utf8(bytes.to_vec()).unwrap()));
            Ok(())
        }

        fn secret(&mut self, text: Zeroizing<String>) -> io::Result<Slot> {
            self.pieces.push(Some(text.to_string()));
            Ok(Slot::at(self.pieces.len() - 1))
        }

        fn cancel(&mut self, slot: Slot) -> bool {
            if self.streaming {
                return false;
            }
            self.pieces[slot.index()] = None;
            true
        }
    }

    const TOKEN: Kind = Kind { group: "example.com", kind: "Token" };
    const USER: Kind = Kind { group: "example.com", kind: "User" };
    const OTHER: Kind = Kind { group: "example.com", kind: "Leftover" };

    /// A format of two parts that renders `KIND name@namespace #n`, counting its renders.
    #[derive(Debug, Default)]
    struct TwoParts {
        renders: std::sync::atomic::AtomicUsize,
    }

    impl SecretFormat for TwoParts {
        fn description(&self) -> &'static str {
            "two test objects"
        }
        fn parts(&self) -> &'static [Kind] {
            &[TOKEN, USER]
        }
        fn render(
            &self,
            part: usize,
            name: &str,
            namespace: Option<&str>,
            eol: &str,
        ) -> Result<Zeroizing<String>, Error> {
            let n = self.renders.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let kind = self.parts()[part].kind;
            let ns = namespace.unwrap_or("-");
            Ok(Zeroizing::new(format!("{kind} {name}@{ns} #{n}{eol}")))
        }
        fn is_current(&self, _: usize, _: &ObjectView) -> bool {
            false
        }
        fn is_deterministic(&self) -> bool {
            false
        }
        fn safe_to_commit(&self) -> bool {
            true
        }
    }

    fn group(namespace: &str) -> Group {
        Some(namespace.to_string())
    }

    fn secrets<'c>(format: &'c TwoParts, reusable: &'c Reusable) -> PullSecrets<'c> {
        PullSecrets { format, name: "pull", reusable, annotations: &[] }
    }

    #[test]
    fn every_part_goes_before_the_first_workload_of_its_group_once() {
        let (format, reusable) = (TwoParts::default(), Reusable::new());
        let mut placement = Placement::new(secrets(&format, &reusable));
        let mut out = Recorder::default();
        assert_eq!(placement.place_before(&[group("a")], "\n", &mut out).unwrap(), 2);
        placement.close_batch("---\n", &mut out).unwrap();
        out.write(b"workload in a\n").unwrap();
        assert_eq!(placement.place_before(&[group("a"), group("b")], "\n", &mut out).unwrap(), 2);
        placement.close_batch("---\n", &mut out).unwrap();
        assert_eq!(
            out.text(),
            "---\nToken pull@a #0\n---\nUser pull@a #1\n---\nworkload in a\n\
             ---\nToken pull@b #2\n---\nUser pull@b #3\n---\n"
        );
    }

    #[test]
    fn a_part_found_later_takes_the_planned_ones_place_and_the_closing_marker_goes_last() {
        let (format, reusable) = (TwoParts::default(), Reusable::new());
        let mut placement = Placement::new(secrets(&format, &reusable));
        let mut out = Recorder::default();
        placement.place_before(&[group("a")], "\n", &mut out).unwrap();
        placement.close_batch("---\n", &mut out).unwrap();
        out.write(b"workload\n").unwrap();
        let found = placement.found(&group("a"), USER, false, "\n", &mut out).unwrap();
        assert_eq!(found, Found::Replace(Zeroizing::new("User pull@a #2\n".into())));
        assert_eq!(out.text(), "---\nToken pull@a #0\n---\nworkload\n", "the User part went");
        assert_eq!(
            placement.found(&group("a"), TOKEN, true, "\n", &mut out).unwrap(),
            Found::Keep,
            "a current part is kept"
        );
        assert_eq!(out.text(), "workload\n", "with both parts taken back, the `---` went too");
    }

    #[test]
    fn an_object_of_another_format_stands_for_the_first_part_not_yet_found() {
        let (format, reusable) = (TwoParts::default(), Reusable::new());
        let mut placement = Placement::new(secrets(&format, &reusable));
        let mut out = Recorder::default();
        let first = placement.found(&group("a"), OTHER, true, "\n", &mut out).unwrap();
        assert_eq!(first, Found::Replace(Zeroizing::new("Token pull@a #0\n".into())));
        let second = placement.found(&group("a"), OTHER, true, "\n", &mut out).unwrap();
        assert_eq!(second, Found::Replace(Zeroizing::new("User pull@a #1\n".into())));
        assert_eq!(placement.place_before(&[group("a")], "\n", &mut out).unwrap(), 0);
    }

    #[test]
    fn streaming_drops_what_was_already_written() {
        let (format, reusable) = (TwoParts::default(), Reusable::new());
        let mut placement = Placement::new(secrets(&format, &reusable));
        let mut out = Recorder { streaming: true, ..Recorder::default() };
        placement.place_before(&[None], "\n", &mut out).unwrap();
        assert_eq!(placement.found(&None, TOKEN, false, "\n", &mut out).unwrap(), Found::Drop);
    }

    #[test]
    fn reusable_parts_are_not_rendered_again_and_take_the_streams_line_endings() {
        let format = TwoParts::default();
        let reusable = Reusable::from([((group("a"), 1), "User kept\nline two\n".to_string())]);
        let mut placement = Placement::new(secrets(&format, &reusable));
        let mut out = Recorder::default();
        placement.place_before(&[group("a")], "\r\n", &mut out).unwrap();
        assert_eq!(out.text(), "---\r\nToken pull@a #0\r\n---\r\nUser kept\r\nline two\r\n");
    }

    #[test]
    fn appending_writes_only_the_missing_parts() {
        let (format, reusable) = (TwoParts::default(), Reusable::new());
        let mut placement = Placement::new(secrets(&format, &reusable));
        let mut out = Recorder::default();
        placement.found(&group("a"), TOKEN, true, "\n", &mut out).unwrap();
        assert!(!placement.holds_all(&group("a")));
        assert_eq!(placement.append_missing(&group("a"), "\n", &mut out).unwrap(), 1);
        assert!(placement.holds_all(&group("a")));
        assert_eq!(placement.append_missing(&group("a"), "\n", &mut out).unwrap(), 0);
        assert_eq!(out.text(), "---\nUser pull@a #0\n");
    }

    fn annotated(object: &str, annotations: &[(&str, &str)]) -> String {
        let start = Zeroizing::new(object.to_string());
        let done = annotations.iter().try_fold(start, |text, (k, v)| annotate(text, k, v));
        done.unwrap().to_string()
    }

    #[test]
    fn an_annotation_joins_kubectls_sorted_metadata_in_key_order() {
        let secret =
            "apiVersion: v1\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: pull\n";
        assert_eq!(
            annotated(secret, &[("helm.sh/hook-weight", "-100")]),
            "apiVersion: v1\nkind: Secret\nmetadata:\n  annotations:\n    helm.sh/hook-weight: \"-100\"\n  \
             creationTimestamp: null\n  name: pull\n",
            "quoted, or it would read as a number"
        );
    }

    #[test]
    fn annotations_are_added_to_those_an_object_has_and_never_twice() {
        let sealed = "kind: SealedSecret\nmetadata:\n  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: \"true\"\n  name: pull\n";
        let once = annotated(sealed, &[("example.com/file", "a/b.yaml")]);
        assert_eq!(
            once,
            "kind: SealedSecret\nmetadata:\n  annotations:\n    example.com/file: a/b.yaml\n    \
             sealedsecrets.bitnami.com/cluster-wide: \"true\"\n  name: pull\n",
            "in key order, as kubeseal sorts them"
        );
        assert_eq!(annotated(&once, &[("example.com/file", "a/b.yaml")]), once, "a reused part");
    }

    #[test]
    fn a_format_that_cannot_be_annotated_is_refused_rather_than_broken() {
        let (format, reusable) = (TwoParts::default(), Reusable::new());
        let annotations = [("example.com/file".to_string(), "a.yaml".to_string())];
        let secrets = PullSecrets { annotations: &annotations, ..secrets(&format, &reusable) };
        let error = secrets.text(&group("a"), 0, "\n").unwrap_err();
        assert_eq!(
            error.message(),
            "two test objects cannot be annotated after it is rendered (its protection covers the whole object)"
        );
    }
}
