//! Turns the PATH arguments into the list of inputs: files, directories (walked), glob
//! patterns the shell did not expand, and `-` for stdin.
//!
//! Order is deterministic: arguments in the order given, a directory's files sorted by path.
//! A file reached twice (through two arguments, or a symlink) is read once.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// One input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    /// A file; `name` is its path as the user wrote it (or as walking their directory made it).
    File {
        path: PathBuf,
        name: String,
    },
}

impl Input {
    pub fn name(&self) -> &str {
        match self {
            Input::Stdin => "<stdin>",
            Input::File { name, .. } => name,
        }
    }
}

/// The extensions of manifest files found in directories.
const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Expands `arguments`; no argument means stdin.
pub fn expand(arguments: &[String]) -> Result<Vec<Input>, Error> {
    if arguments.is_empty() {
        return Ok(vec![Input::Stdin]);
    }
    let mut inputs = Vec::new();
    let mut seen = HashSet::new();
    let mut stdin_seen = false;
    for argument in arguments {
        if argument == "-" {
            if !std::mem::replace(&mut stdin_seen, true) {
                inputs.push(Input::Stdin);
            }
            continue;
        }
        let path = Path::new(argument);
        let found = match fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path)?,
            Ok(_) => vec![path.to_path_buf()],
            Err(_) if is_glob(argument) => glob_files(argument)?,
            Err(error) => return Err(Error::new(format!("{argument}: {}", describe(&error)))),
        };
        for path in found {
            let key = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if seen.insert(key) {
                let name = path.to_string_lossy().into_owned();
                inputs.push(Input::File { path, name });
            }
        }
    }
    Ok(inputs)
}

fn is_glob(argument: &str) -> bool {
    argument.contains(['*', '?', '['])
}

fn glob_files(pattern: &str) -> Result<Vec<PathBuf>, Error> {
    let options = glob::MatchOptions { require_literal_leading_dot: true, ..Default::default() };
    let paths = glob::glob_with(pattern, options)
        .map_err(|e| Error::new(format!("{pattern}: not a valid glob pattern: {e}")))?;
    let mut files = Vec::new();
    for entry in paths {
        let path = entry.map_err(|e| Error::new(format!("{pattern}: {e}")))?;
        if path.is_dir() {
            files.extend(walk(&path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

/// Every manifest file below `root`, sorted: hidden files and directories (`.git`, ...) are
/// skipped, and a symlinked directory is followed only when it stays inside `root`.
fn walk(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let canonical_root = fs::canonicalize(root).map_err(|e| io_error(root, &e))?;
    let mut visited = HashSet::from([canonical_root.clone()]);
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&directory)
            .map_err(|e| io_error(&directory, &e))?
            .map(|entry| entry.map(|e| e.path()).map_err(|e| io_error(&directory, &e)))
            .collect::<Result<_, _>>()?;
        entries.sort();
        let mut subdirectories = Vec::new();
        for path in entries {
            let hidden =
                path.file_name().is_some_and(|name| name.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            let Ok(metadata) = fs::metadata(&path) else { continue };
            if metadata.is_dir() {
                let Ok(target) = fs::canonicalize(&path) else { continue };
                if target.starts_with(&canonical_root) && visited.insert(target) {
                    subdirectories.push(path);
                }
            } else if is_manifest(&path) {
                files.push(path);
            }
        }
        pending.extend(subdirectories.into_iter().rev());
    }
    files.sort();
    Ok(files)
}

fn is_manifest(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| MANIFEST_EXTENSIONS.iter().any(|m| ext.eq_ignore_ascii_case(m)))
}

/// An I/O error about `path`, as a message: `PATH: what happened`.
pub fn io_error(path: &Path, error: &std::io::Error) -> Error {
    Error::new(format!("{}: {}", path.display(), describe(error)))
}

/// An I/O error in words, without Rust's `(os error 2)` suffix. An error of our own making
/// keeps its message.
pub fn describe(error: &std::io::Error) -> String {
    if error.raw_os_error().is_none() {
        return error.to_string();
    }
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = error.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assert_fs::prelude::*;

    fn names(inputs: &[Input]) -> Vec<&str> {
        inputs.iter().map(Input::name).collect()
    }

    #[test]
    fn no_argument_means_stdin() {
        assert_eq!(expand(&[]).unwrap(), vec![Input::Stdin]);
        assert_eq!(expand(&["-".into(), "-".into()]).unwrap(), vec![Input::Stdin]);
    }

    #[test]
    fn directories_are_walked_sorted_skipping_hidden_entries_and_other_files() {
        let dir = assert_fs::TempDir::new().unwrap();
        dir.child("b/deploy.yaml").touch().unwrap();
        dir.child("a.yml").touch().unwrap();
        dir.child("c.json").touch().unwrap();
        dir.child("notes.txt").touch().unwrap();
        dir.child(".git/config.yaml").touch().unwrap();
        dir.child(".hidden.yaml").touch().unwrap();
        let root = dir.path().to_string_lossy().to_string();
        let inputs = expand(std::slice::from_ref(&root)).unwrap();
        let expected: Vec<String> =
            ["a.yml", "b/deploy.yaml", "c.json"].iter().map(|f| format!("{root}/{f}")).collect();
        assert_eq!(names(&inputs), expected);
    }

    #[test]
    fn globs_expand_with_double_star_and_files_are_read_once() {
        let dir = assert_fs::TempDir::new().unwrap();
        dir.child("apps/x/deploy-a.yaml").touch().unwrap();
        dir.child("apps/y/z/deploy-b.yaml").touch().unwrap();
        dir.child("apps/y/service.yaml").touch().unwrap();
        let root = dir.path().to_string_lossy().to_string();
        let pattern = format!("{root}/apps/**/deploy*.yaml");
        let again = format!("{root}/apps/x/deploy-a.yaml");
        let inputs = expand(&[pattern, again]).unwrap();
        assert_eq!(
            names(&inputs),
            [format!("{root}/apps/x/deploy-a.yaml"), format!("{root}/apps/y/z/deploy-b.yaml")]
        );
    }

    #[test]
    fn a_glob_matching_nothing_is_empty_but_a_missing_file_is_an_error() {
        assert!(expand(&["/nonexistent-dir-acr/*.yaml".into()]).unwrap().is_empty());
        let error = expand(&["/nonexistent-dir-acr/deploy.yaml".into()]).unwrap_err();
        assert_eq!(error.message(), "/nonexistent-dir-acr/deploy.yaml: no such file or directory");
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_directories_are_not_followed_out_of_the_tree() {
        let outside = assert_fs::TempDir::new().unwrap();
        outside.child("secret.yaml").touch().unwrap();
        let dir = assert_fs::TempDir::new().unwrap();
        dir.child("real/a.yaml").touch().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("escape")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("inside")).unwrap();
        let inputs = expand(&[dir.path().to_string_lossy().into()]).unwrap();
        let names = names(&inputs);
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(names[0].ends_with("a.yaml"));
    }
}
