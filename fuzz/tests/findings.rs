//! Helpers for working with findings, all ignored in a normal run:
//!
//! - `smoke`: a quick look for findings without the fuzzer, on pseudo-random inputs;
//! - `repro`: what fails for one input, part by part;
//! - `minimise`: shrinks an input while the raw-bytes checks still fail the same way.
//!
//! `cargo +nightly test --release --test findings -- --ignored NAME --nocapture`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use acr_inject_testkit::check::{Replaced, check_manifest, filter_and_check};
use acr_inject_testkit::filter::Options;
use acr_inject_testkit::generate::Manifest;

/// What a caught panic said (its first `limit` characters).
fn panic_message(panic: Box<dyn std::any::Any + Send>, limit: usize) -> String {
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    message.chars().take(limit).collect()
}

/// `None` if `check` passes, else its panic message.
fn failure(limit: usize, check: impl FnOnce()) -> Option<String> {
    catch_unwind(AssertUnwindSafe(check)).err().map(|panic| panic_message(panic, limit))
}

/// Pseudo-random inputs (`ROUNDS` of them, 5,000 by default) through the `inject` target's
/// body; prints each failing input and goes on.
#[test]
#[ignore = "a smoke run of the inject target on pseudo-random inputs"]
fn smoke() {
    std::panic::set_hook(Box::new(|_| {}));
    let rounds = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5_000);
    let mut state = 0x0bad_5eed_u64;
    let mut bytes = vec![0u8; 2048];
    let mut failures = 0;
    for round in 0..rounds {
        for byte in bytes.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state as u8;
        }
        let input = &bytes[..16 + round % 2032];
        if let Some(message) = failure(300, || acr_inject_fuzz::inject(input)) {
            failures += 1;
            println!("===== round {round}: {message}\n{}", Manifest::from_bytes(&input[1..]).text);
        }
    }
    println!("{failures} failures");
    assert_eq!(failures, 0);
}

/// The file `REPRO` through each part of the `inject` target: the raw-bytes checks under every
/// option, and the manifest its bytes decide: `REPRO=path cargo +nightly test --release --test
/// findings -- --ignored repro --nocapture`.
#[test]
#[ignore = "a helper for findings"]
fn repro() {
    let path = std::env::var("REPRO").expect("REPRO=path");
    let input = std::fs::read(path).unwrap();
    std::panic::set_hook(Box::new(|_| {}));
    for (bits, options) in Options::all().enumerate() {
        let verdict = match catch_unwind(|| filter_and_check(&input, Replaced::Unknown, options)) {
            Ok(Some(_)) => "ok".to_string(),
            Ok(None) => "refused".to_string(),
            Err(panic) => panic_message(panic, 2000),
        };
        println!("raw bytes, CONFIG={bits} {options:?}: {verdict}");
    }
    if let Some((&bits, decisions)) = input.split_first() {
        let manifest = Manifest::from_bytes(decisions);
        let options = Options::from_bits(bits);
        let verdict = failure(2000, || check_manifest(&manifest, options));
        println!(
            "generated {options:?}: {}\n{}",
            verdict.as_deref().unwrap_or("ok"),
            manifest.text
        );
    }
}

/// Shrinks the file `REPRO` while the raw-bytes checks still fail the same way under the
/// options `CONFIG` (three bits: credentials 1, validate 2, only_registry 4), removing lines,
/// then bytes; prints the result: `REPRO=path CONFIG=1 cargo +nightly test --release --test
/// findings -- --ignored minimise --nocapture`.
#[test]
#[ignore = "a helper for findings"]
fn minimise() {
    let path = std::env::var("REPRO").expect("REPRO=path");
    let bits: u8 = std::env::var("CONFIG").expect("CONFIG=0..7").parse().unwrap();
    let options = Options::from_bits(bits);
    std::panic::set_hook(Box::new(|_| {}));
    let failing =
        |input: &[u8]| failure(3, || drop(filter_and_check(input, Replaced::Unknown, options)));
    let mut input = std::fs::read(path).unwrap();
    let kind = failing(&input).expect("the input does not fail");
    let same = |candidate: &[u8]| failing(candidate).as_deref() == Some(kind.as_str());
    // Lines first, then single bytes, until nothing more can go.
    loop {
        let before = input.len();
        let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
        let mut kept: Vec<&[u8]> = lines.clone();
        let mut index = 0;
        while index < kept.len() {
            let mut candidate = kept.clone();
            candidate.remove(index);
            if same(&candidate.concat()) { kept = candidate } else { index += 1 }
        }
        input = kept.concat();
        let mut index = 0;
        while index < input.len() {
            let mut candidate = input.clone();
            candidate.remove(index);
            if same(&candidate) { input = candidate } else { index += 1 }
        }
        if input.len() == before {
            break;
        }
    }
    println!("{kind}: {:?}", String::from_utf8_lossy(&input));
}
