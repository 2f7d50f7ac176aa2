//! Replacing files atomically: a reader sees the old file or the new one, never a mix, and an
//! error leaves the old one in place with no temporary file behind.
//!
//! Writing is in two phases so that a run over many files is all or nothing as far as the
//! file system allows: [`stage`] writes every new version to a synced temporary file beside its
//! target (this is where a full disk or a read-only file shows up), and only when all are
//! staged does [`Staged::commit`] rename each over its target, a step that does not fail for
//! lack of space. A staged file that is dropped uncommitted is deleted.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tempfile::NamedTempFile;

/// What a file looked like when it was read, to notice a change before overwriting it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    pub fn of(path: &Path) -> io::Result<Stamp> {
        let metadata = fs::metadata(path)?;
        Ok(Stamp { len: metadata.len(), modified: metadata.modified().ok() })
    }
}

/// A new version of a file, written and synced beside it, not yet in its place.
#[derive(Debug)]
pub struct Staged {
    temporary: NamedTempFile,
    target: PathBuf,
    /// The target as it was read; `None` for a file being created.
    expected: Option<Stamp>,
}

/// Writes `bytes` to a temporary file in `path`'s directory. For an existing file (`expected`
/// is how it looked when read) the permissions are kept and a symlink is followed (its target
/// is replaced, the link stays); a read-only file is refused. A new file gets `permissions`.
pub fn stage(
    path: &Path,
    bytes: &[u8],
    expected: Option<&Stamp>,
    permissions: Permissions,
) -> io::Result<Staged> {
    let (target, permissions) = match expected {
        Some(_) => {
            let target = fs::canonicalize(path)?;
            let permissions = fs::metadata(&target)?.permissions();
            if permissions.readonly() {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "the file is read-only",
                ));
            }
            (target, permissions)
        }
        None => (path.to_path_buf(), permissions),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".acr-inject-")
        .suffix(".tmp")
        .tempfile_in(directory_of(&target))?;
    temporary.write_all(bytes)?;
    temporary.as_file().set_permissions(permissions)?;
    temporary.as_file().sync_all()?;
    Ok(Staged { temporary, target, expected: expected.cloned() })
}

impl Staged {
    /// Puts the new version in place, unless the file changed (or appeared) since it was read.
    pub fn commit(self) -> io::Result<()> {
        let now = Stamp::of(&self.target);
        let unchanged = match (&self.expected, &now) {
            (Some(expected), Ok(now)) => expected == now,
            (None, Err(e)) => e.kind() == io::ErrorKind::NotFound,
            _ => false,
        };
        if !unchanged {
            return Err(io::Error::other("the file changed since it was read; not overwritten"));
        }
        let directory = directory_of(&self.target).to_path_buf();
        self.temporary.persist(&self.target).map_err(|e| e.error)?;
        // The rename is durable once the directory entry is.
        if let Ok(directory) = File::open(directory) {
            let _ = directory.sync_all();
        }
        Ok(())
    }
}

/// Replaces (or creates) one file atomically: [`stage`] then [`Staged::commit`].
pub fn replace(
    path: &Path,
    bytes: &[u8],
    expected: Option<&Stamp>,
    permissions: Permissions,
) -> io::Result<()> {
    stage(path, bytes, expected, permissions)?.commit()
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Permissions for a new file: owner-only when it holds a credential.
pub fn new_file_permissions(private: bool) -> Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Permissions::from_mode(if private { 0o600 } else { 0o644 })
    }
    #[cfg(not(unix))]
    {
        let _ = private;
        tempfile::tempfile()
            .and_then(|f| f.metadata())
            .map(|m| m.permissions())
            .expect("a temporary file")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assert_fs::prelude::*;

    #[test]
    fn replace_keeps_permissions_and_leaves_no_temporary_file() {
        let dir = assert_fs::TempDir::new().unwrap();
        let file = dir.child("a.yaml");
        file.write_str("old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(file.path(), Permissions::from_mode(0o640)).unwrap();
        }
        let stamp = Stamp::of(file.path()).unwrap();
        replace(file.path(), b"new\n", Some(&stamp), new_file_permissions(false)).unwrap();
        file.assert("new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(file.path()).unwrap().permissions().mode() & 0o777, 0o640);
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = assert_fs::TempDir::new().unwrap();
        let file = dir.child("a.yaml");
        file.write_str("old\n").unwrap();
        let stamp = Stamp::of(file.path()).unwrap();
        let staged =
            stage(file.path(), b"new\n", Some(&stamp), new_file_permissions(false)).unwrap();
        file.write_str("someone else's edit\n").unwrap();
        let error = staged.commit().unwrap_err();
        assert!(error.to_string().contains("changed since it was read"));
        file.assert("someone else's edit\n");
    }

    #[test]
    fn a_read_only_file_is_refused_at_staging() {
        let dir = assert_fs::TempDir::new().unwrap();
        let file = dir.child("a.yaml");
        file.write_str("old\n").unwrap();
        let mut permissions = fs::metadata(file.path()).unwrap().permissions();
        permissions.set_readonly(true);
        fs::set_permissions(file.path(), permissions).unwrap();
        let stamp = Stamp::of(file.path()).unwrap();
        let error =
            stage(file.path(), b"new\n", Some(&stamp), new_file_permissions(false)).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
        file.assert("old\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropping_a_staged_file_leaves_nothing_behind() {
        let dir = assert_fs::TempDir::new().unwrap();
        let staged =
            stage(&dir.path().join("new.yaml"), b"x\n", None, new_file_permissions(true)).unwrap();
        drop(staged);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_symlink() {
        let dir = assert_fs::TempDir::new().unwrap();
        dir.child("real.yaml").write_str("old\n").unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(dir.path().join("real.yaml"), &link).unwrap();
        let stamp = Stamp::of(&link).unwrap();
        replace(&link, b"new\n", Some(&stamp), new_file_permissions(false)).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        dir.child("real.yaml").assert("new\n");
    }
}
