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

/// The custom-resource goldens, run without extra arguments.
fn crd_cases() -> Vec<PathBuf> {
    let cases: Vec<PathBuf> = cases()
        .into_iter()
        .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with("crd-"))
        .filter(|path| !path.with_extension("args").exists())
        .collect();
    assert!(cases.len() >= 7, "the custom-resource goldens are missing");
    cases
}

#[test]
fn crd_goldens_are_their_input_as_data_plus_the_references() {
    for input in crd_cases() {
        let bytes = std::fs::read(&input).unwrap();
        let output = run(&input, &bytes);
        assert_oracle_sees_only_the_injection(&bytes, &output, "acr-secret");
    }
}

#[test]
fn the_every_kind_golden_holds_every_custom_resource_of_the_reference() {
    let input = fixtures_dir().join("golden/crd-every-kind.yaml");
    let documents = oracle_documents(&std::fs::read(&input).unwrap());
    for (group, kind) in crd_kinds() {
        let found = documents.iter().find(|d| {
            str_at(d, &["kind"]) == Some(kind)
                && str_at(d, &["apiVersion"]).is_some_and(|v| v.starts_with(&format!("{group}/")))
        });
        let document = found.unwrap_or_else(|| panic!("no {kind}.{group} in {}", input.display()));
        assert!(!crd_holders(document).is_empty(), "{kind}.{group} has no holder");
    }
}
