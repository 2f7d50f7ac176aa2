//! Fuzzes the injector, `acr_inject::filter::filter_bytes`, two ways on every input:
//!
//! 1. the raw bytes, as stdin delivers them, once as the stdin filter runs by default (with
//!    credentials, skimming documents that cannot need an edit) and once with `--validate`
//!    and `--no-secret`: this reaches the splitter, UTF-8 and YAML error paths, and whatever
//!    the real manifests of the seed corpus lead the mutator to;
//! 2. the same bytes read by `arbitrary` as a [`Stream`] model and rendered to YAML text, with
//!    the configuration the model picks: this reaches the planning and writing of additions
//!    (existing lists in every form, anchors, merge keys, namespaces, styles) far more often
//!    than mutated bytes do.
//!
//! Either may be refused (`Err`); when accepted, `check::filter_and_check` asserts that only
//! bytes were inserted, that a second run changes nothing, and that output stays valid YAML
//! to an independent parser. A panic or hang anywhere is a finding too.
#![no_main]

use acr_inject_fuzz::check::{config, filter_and_check, oracle_documents};
use acr_inject_fuzz::model::Stream;
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    filter_and_check(data, &config(true, false, false));
    filter_and_check(data, &config(false, true, false));

    let Ok(stream) = Stream::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let text = stream.render();
    // The model only writes valid YAML: anything else is a bug of the renderer, not the tool.
    assert!(
        oracle_documents(text.as_bytes()).is_some(),
        "the model rendered invalid YAML:\n{text}"
    );
    let settings = &stream.settings;
    filter_and_check(
        text.as_bytes(),
        &config(settings.with_credentials, settings.validate, settings.only_registry),
    );
});
