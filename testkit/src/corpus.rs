//! Where the corpus of real-world manifests is, and what a test that needs it does when it is
//! not there.
//!
//! The corpus is not part of the repository. `ACR_INJECT_CORPUS` says where it is (relative
//! paths from the repository root); without it, `../shared/corpus` beside the repository. When
//! it is missing, a test that needs it says so in one line on stderr and passes as skipped, so
//! that a fresh clone's `cargo test` works; under CI (`CI` set) it fails instead, because CI
//! always has the corpus and a skip there would silently lose coverage.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The variable naming the corpus directory.
pub const VARIABLE: &str = "ACR_INJECT_CORPUS";
/// Where the corpus is when [`VARIABLE`] is not set, from the repository root.
pub const DEFAULT: &str = "../shared/corpus";

/// The corpus directory.
#[derive(Clone, Debug)]
pub struct Corpus {
    dir: PathBuf,
}

/// The outcome of looking for the corpus.
#[derive(Debug, PartialEq, Eq)]
enum Lookup {
    Found(PathBuf),
    /// Missing: skip, saying this.
    Skip(String),
    /// Missing under CI: fail, saying this.
    Fail(String),
}

impl Corpus {
    /// The corpus, or `None` after writing why the calling test skips on stderr (past the
    /// test harness's capture, so that the line shows). Panics when it is missing under CI.
    pub fn find() -> Option<Corpus> {
        let lookup = lookup(std::env::var_os(VARIABLE), std::env::var_os("CI"), &repository_root());
        match lookup {
            Lookup::Found(dir) => Some(Corpus { dir }),
            Lookup::Skip(message) => {
                // The test harness names each test's thread after the test.
                let test = match std::thread::current().name() {
                    Some(name) if name != "main" => format!(" {name}"),
                    _ => String::new(),
                };
                // One write, so that the line stays whole among the harness's own.
                let line = format!("skipped{test}: {message}\n");
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
                None
            }
            Lookup::Fail(message) => panic!("{message}"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A file or directory of the corpus.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The flat corpus files (`*.yaml`, not the kustomize trees), sorted by name.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap_or_else(|error| panic!("{}: {error}", self.dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect();
        files.sort();
        files
    }

    /// Every flat corpus file as one stream, each preceded by `---` (as the benchmark builds
    /// it).
    pub fn stream(&self) -> Vec<u8> {
        let mut stream = Vec::new();
        for path in self.files() {
            stream.extend_from_slice(b"---\n");
            stream.extend_from_slice(&std::fs::read(path).unwrap());
            if !stream.ends_with(b"\n") {
                stream.push(b'\n');
            }
        }
        stream
    }
}

/// The repository root: the test kit's parent directory.
fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the kit is in the repository").into()
}

/// Where the corpus is for the values of [`VARIABLE`] and `CI`, and whether it is there.
fn lookup(setting: Option<OsString>, ci: Option<OsString>, repository: &Path) -> Lookup {
    let setting = setting.filter(|value| !value.is_empty());
    let dir = repository.join(setting.as_deref().unwrap_or(DEFAULT.as_ref()));
    if dir.is_dir() {
        return Lookup::Found(dir);
    }
    let message = format!("the corpus is not at {}; set {VARIABLE} to where it is", dir.display());
    if ci.is_some_and(|value| !value.is_empty()) {
        Lookup::Fail(format!("{message} (CI is set: CI always has the corpus)"))
    } else {
        Lookup::Skip(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_variable_the_corpus_is_beside_the_repository() {
        let repository = Path::new("/nonexistent/repository");
        let Lookup::Skip(message) = lookup(None, None, repository) else { panic!() };
        assert!(message.contains("/nonexistent/repository/../shared/corpus"), "{message}");
    }

    #[test]
    fn the_variable_names_the_corpus_absolute_or_from_the_repository_root() {
        let kit = Path::new(env!("CARGO_MANIFEST_DIR"));
        let src = kit.join("src");
        assert_eq!(lookup(Some(src.clone().into()), None, Path::new("/x")), Lookup::Found(src));
        assert_eq!(lookup(Some("src".into()), None, kit), Lookup::Found(kit.join("src")));
    }

    #[test]
    fn an_empty_variable_is_no_setting() {
        let Lookup::Skip(message) = lookup(Some("".into()), None, Path::new("/r")) else {
            panic!()
        };
        assert!(message.contains("/r/../shared/corpus"), "{message}");
    }

    #[test]
    fn a_missing_corpus_is_skipped_with_a_line_naming_the_variable() {
        let lookup = lookup(Some("/nonexistent".into()), None, Path::new("/r"));
        assert_eq!(
            lookup,
            Lookup::Skip(
                "the corpus is not at /nonexistent; set ACR_INJECT_CORPUS to where it is".into()
            )
        );
    }

    #[test]
    fn under_ci_a_missing_corpus_fails() {
        let missing = || Some(OsString::from("/nonexistent"));
        let Lookup::Fail(message) = lookup(missing(), Some("1".into()), Path::new("/r")) else {
            panic!("a missing corpus must fail under CI")
        };
        assert!(message.contains("set ACR_INJECT_CORPUS"), "{message}");
        let with_empty_ci = lookup(missing(), Some("".into()), Path::new("/r"));
        assert_eq!(with_empty_ci, lookup(missing(), None, Path::new("/r")), "an empty CI is unset");
    }

    #[test]
    fn a_corpus_that_is_there_is_found_under_ci_too() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let found = lookup(Some(src.clone().into()), Some("1".into()), Path::new("/x"));
        assert_eq!(found, Lookup::Found(src));
    }
}
