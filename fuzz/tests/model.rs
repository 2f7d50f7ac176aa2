//! The model renders valid YAML: `cargo +nightly test` in `fuzz/` (a quick check of the
//! renderer itself, so that the fuzz target's findings are the tool's).

use acr_inject_fuzz::check::oracle_documents;
use acr_inject_fuzz::model::Stream;
use arbitrary::{Arbitrary, Unstructured};

#[test]
fn rendered_models_parse() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut bytes = vec![0u8; 512];
    for round in 0..20_000 {
        for byte in bytes.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state as u8;
        }
        let length = 16 + round % 496;
        let Ok(stream) = Stream::arbitrary_take_rest(Unstructured::new(&bytes[..length])) else {
            continue;
        };
        let text = stream.render();
        assert!(oracle_documents(text.as_bytes()).is_some(), "round {round}:\n{text}\n{stream:#?}");
    }
}

#[test]
#[ignore = "prints samples"]
fn print_samples() {
    let mut state = 0x1234_5678_9abc_def1_u64;
    let mut bytes = vec![0u8; 300];
    for _ in 0..6 {
        for byte in bytes.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state as u8;
        }
        if let Ok(stream) = Stream::arbitrary_take_rest(Unstructured::new(&bytes)) {
            println!("=====\n{}", stream.render());
        }
    }
}

/// A quick look for findings without the fuzzer: `cargo +nightly test --release -- --ignored
/// smoke --nocapture`. Prints each failing stream's text and goes on.
#[test]
#[ignore = "a smoke run of the injector checks over pseudo-random models"]
fn smoke() {
    use acr_inject_fuzz::check::{config, filter_and_check};
    std::panic::set_hook(Box::new(|_| {}));
    let mut state = 0x0bad_5eed_u64;
    let mut bytes = vec![0u8; 400];
    let mut failures = 0;
    let rounds = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5_000);
    for round in 0..rounds {
        for byte in bytes.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state as u8;
        }
        let length = 16 + round % 384;
        let Ok(stream) = Stream::arbitrary_take_rest(Unstructured::new(&bytes[..length])) else {
            continue;
        };
        let text = stream.render();
        let s = &stream.settings;
        let result = std::panic::catch_unwind(|| {
            filter_and_check(
                text.as_bytes(),
                &config(s.with_credentials, s.validate, s.only_registry),
            )
        });
        if let Err(panic) = result {
            failures += 1;
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            println!("===== round {round} {s:?}\n{text:?}\n{}", &message[..message.len().min(300)]);
        }
    }
    println!("{failures} failures");
}

/// Runs the checks on the file `REPRO` under every configuration and prints what fails:
/// `REPRO=path cargo +nightly test --release -- --ignored repro --nocapture`.
#[test]
#[ignore = "a helper for minimising findings"]
fn repro() {
    use acr_inject_fuzz::check::{config, filter_and_check};
    let path = std::env::var("REPRO").expect("REPRO=path");
    let input = std::fs::read(path).unwrap();
    std::panic::set_hook(Box::new(|_| {}));
    for bits in 0..8 {
        let (credentials, validate, only) = (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
        let result = std::panic::catch_unwind(|| {
            filter_and_check(&input, &config(credentials, validate, only))
        });
        let verdict = match result {
            Ok(Some(_)) => "ok".to_string(),
            Ok(None) => "refused".to_string(),
            Err(panic) => panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        };
        println!("credentials {credentials} validate {validate} only_registry {only}: {verdict}");
    }
}

/// Shrinks the file `REPRO` while the checks still fail the same way under the configuration
/// `CONFIG` (three bits: credentials, validate, only_registry), removing lines, then bytes;
/// prints the result: `REPRO=path CONFIG=1 cargo +nightly test --release -- --ignored
/// minimise --nocapture`.
#[test]
#[ignore = "a helper for minimising findings"]
fn minimise() {
    use acr_inject_fuzz::check::{config, filter_and_check};
    let path = std::env::var("REPRO").expect("REPRO=path");
    let bits: u8 = std::env::var("CONFIG").expect("CONFIG=0..7").parse().unwrap();
    let config = config(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
    std::panic::set_hook(Box::new(|_| {}));
    let failure = |input: &[u8]| -> Option<String> {
        let panic = std::panic::catch_unwind(|| filter_and_check(input, &config)).err()?;
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Some(message.chars().take(3).collect())
    };
    let mut input = std::fs::read(path).unwrap();
    let kind = failure(&input).expect("the input does not fail");
    let same = |candidate: &[u8]| failure(candidate).as_deref() == Some(kind.as_str());
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
