//! Faults while writing: a read-only file, a full disk, a full stdout, and a SIGKILL during
//! `--write`. Every file is either its old version or its new one, never a mix, and a normal
//! error leaves no temporary file behind.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use assert_fs::TempDir;
use assert_fs::prelude::*;
use common::*;
use predicates::prelude::*;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web\n";
const FIXED_TAIL: &str = "      imagePullSecrets:\n      - name: acr-secret\n";

/// Files in `dir` whose name says they are ours and temporary.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".acr-inject-"))
        .collect()
}

#[test]
fn a_read_only_file_stops_the_run_before_any_file_changes() {
    let dir = TempDir::new().unwrap();
    for name in ["a.yaml", "b.yaml", "c.yaml"] {
        dir.child(name).write_str(DEPLOYMENT).unwrap();
    }
    let locked = dir.child("b.yaml");
    let mut permissions = fs::metadata(locked.path()).unwrap().permissions();
    permissions.set_readonly(true);
    fs::set_permissions(locked.path(), permissions).unwrap();
    acr_inject()
        .current_dir(dir.path())
        .args(["--no-secret", "--write", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("b.yaml: not written: the file is read-only"));
    for name in ["a.yaml", "b.yaml", "c.yaml"] {
        dir.child(name).assert(DEPLOYMENT);
    }
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_full_disk_stops_the_run_before_any_file_changes() {
    // A 64 KiB tmpfs in a mount namespace of its own, so nothing outlives the test. Its files
    // fill most of it: the new versions cannot all be staged.
    let source = TempDir::new().unwrap();
    // Three files of three pages each fill 9 of the 16 pages; staging needs 9 more.
    let padding = format!("# {}\n", "x".repeat(1000)).repeat(11);
    for n in 0..3 {
        source.child(format!("f{n:02}.yaml")).write_str(&format!("{padding}{DEPLOYMENT}")).unwrap();
    }
    let binary = assert_cmd::cargo::cargo_bin("acr-inject");
    let mount = TempDir::new().unwrap();
    let script = format!(
        "set -e; mount -t tmpfs -o size=64k tmpfs '{m}'; cp '{s}'/*.yaml '{m}'/; \
         cd '{m}'; set +e; '{b}' --no-secret --write . ; echo \"exit=$?\"; \
         for f in *.yaml; do cmp -s \"$f\" '{s}'/\"$f\" || echo \"changed=$f\"; done; ls -a | grep '^.acr-inject-' || true",
        m = mount.path().display(),
        s = source.path().display(),
        b = binary.display()
    );
    let output = Command::new("unshare").args(["-m", "sh", "-c", &script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "unshare/mount failed: {stderr}");
    assert!(stdout.contains("exit=2"), "{stdout}{stderr}");
    assert!(
        stderr.contains("not written") && stderr.contains("No space left on device"),
        "{stderr}"
    );
    assert!(!stdout.contains("changed="), "a file changed: {stdout}");
    assert!(!stdout.contains(".acr-inject-"), "a temporary file was left: {stdout}");
}

#[test]
fn a_full_stdout_is_an_error_not_a_silent_truncation() {
    let dev_full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let status = Command::new(assert_cmd::cargo::cargo_bin("acr-inject"))
        .args(["--no-secret"])
        .stdin(fs::File::open(fixtures_dir().join("examples/shop.yaml")).unwrap())
        .stdout(dev_full)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&status.stderr)
            .contains("cannot write the output: No space left on device")
    );
}

#[test]
fn a_sigkill_during_write_leaves_each_file_old_or_new() {
    let binary = assert_cmd::cargo::cargo_bin("acr-inject");
    // Big files so that the write takes long enough to be interrupted at different points.
    let padding = format!("# {}\n", "x".repeat(1000)).repeat(2000);
    let old = format!("{padding}{DEPLOYMENT}");
    let new = format!("{old}{FIXED_TAIL}");
    for delay_ms in [5, 20, 40, 80, 160] {
        let dir = TempDir::new().unwrap();
        for n in 0..20 {
            dir.child(format!("f{n:02}.yaml")).write_str(&old).unwrap();
        }
        let mut child = Command::new(&binary)
            .current_dir(dir.path())
            .args(["--no-secret", "--write", "."])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        for n in 0..20 {
            let content = fs::read_to_string(dir.path().join(format!("f{n:02}.yaml"))).unwrap();
            assert!(
                content == old || content == new,
                "f{n:02}.yaml is a mix after a kill at {delay_ms} ms"
            );
        }
    }
}
