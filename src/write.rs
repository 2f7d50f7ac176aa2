//! Replacing files atomically: a reader sees the old file or the new one, never a mix, and an
//! error leaves the old one in place with no temporary file behind.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

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

/// Writes `bytes` to `path` through a temporary file in the same directory (synced, then
/// renamed over the target), keeping the file's permissions. A symlink is followed: its
/// target is replaced, the link stays. With `expected`, refuses when the file changed since.
pub fn replace(path: &Path, bytes: &[u8], expected: Option<&Stamp>) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    if let Some(expected) = expected
        && Stamp::of(&target)? != *expected
    {
        return Err(io::Error::other("the file changed since it was read; not overwritten"));
    }
    let permissions = fs::metadata(&target)?.permissions();
    write_new(&target, bytes, permissions)
}

/// Creates or replaces `path` atomically with `bytes` and the given permissions.
pub fn write_new(path: &Path, bytes: &[u8], permissions: Permissions) -> io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary =
        tempfile::Builder::new().prefix(".acr-inject-").suffix(".tmp").tempfile_in(directory)?;
    temporary.write_all(bytes)?;
    temporary.as_file().set_permissions(permissions)?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|e| e.error)?;
    // The rename is durable once the directory entry is.
    if let Ok(directory) = File::open(directory) {
        let _ = directory.sync_all();
    }
    Ok(())
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
        replace(file.path(), b"new\n", Some(&stamp)).unwrap();
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
        file.write_str("someone else's edit\n").unwrap();
        let error = replace(file.path(), b"new\n", Some(&stamp)).unwrap_err();
        assert!(error.to_string().contains("changed since it was read"));
        file.assert("someone else's edit\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_symlink() {
        let dir = assert_fs::TempDir::new().unwrap();
        dir.child("real.yaml").write_str("old\n").unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(dir.path().join("real.yaml"), &link).unwrap();
        replace(&link, b"new\n", None).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        dir.child("real.yaml").assert("new\n");
    }
}
