//! Exact bytes: each `fixtures/golden/NAME.{yaml,json}` goes through the tool (with the
//! credentials of `common`, plus the arguments in `NAME.args` if present) and must give
//! `NAME.expected.{yaml,json}` byte for byte. `UPDATE_GOLDEN=1 cargo test --test golden`
//! rewrites the expectations; review their diff before committing.

mod common;

use std::path::{Path, PathBuf};

use acr_inject_testkit::invariants::assert_only_insertions;
use common::*;

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures_dir().join("golden"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            (name.ends_with(".yaml") || name.ends_with(".json")) && !name.contains(".expected.")
        })
        .collect();
    cases.sort();
    cases
}

fn expected_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().unwrap().to_string_lossy();
    let extension = input.extension().unwrap().to_string_lossy();
    input.with_file_name(format!("{stem}.expected.{extension}"))
}

fn run(input: &Path, bytes: &[u8]) -> Vec<u8> {
    let mut command = acr_inject_with_credentials();
    let args = input.with_extension("args");
    if args.exists() {
        command.args(std::fs::read_to_string(args).unwrap().split_whitespace());
    }
    run_ok(command, bytes)
}

#[test]
fn golden_outputs_match_byte_for_byte() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for input in cases() {
        let bytes = std::fs::read(&input).unwrap();
        let output = run(&input, &bytes);
        let expected = expected_path(&input);
        if update {
            std::fs::write(&expected, &output).unwrap();
            continue;
        }
        let wanted = std::fs::read(&expected)
            .unwrap_or_else(|_| panic!("{} is missing", expected.display()));
        if output != wanted {
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- got\n{}",
                input.display(),
                String::from_utf8_lossy(&wanted),
                String::from_utf8_lossy(&output)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn golden_outputs_are_stable_under_a_second_run() {
    for input in cases() {
        let output = run(&input, &std::fs::read(&input).unwrap());
        assert_eq!(
            String::from_utf8_lossy(&run(&input, &output)),
            String::from_utf8_lossy(&output),
            "{}",
            input.display()
        );
    }
}

#[test]
fn golden_outputs_only_insert_except_where_a_secret_or_null_is_replaced() {
    let replacing = ["existing-secret-replaced.yaml", "existing-lists.yaml"];
    for input in cases() {
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        if replacing.contains(&name.as_str()) {
            continue;
        }
        let bytes = std::fs::read(&input).unwrap();
        assert_only_insertions(&bytes, &run(&input, &bytes));
    }
}
