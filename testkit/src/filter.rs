//! The library's filter as the tests run it: the settings that matter to them, and the one
//! place that turns those into the library's configuration.

use acr_inject::filter::{Config, PullSecret};
use acr_inject::formats::plain::Plain;
use acr_inject::k8s::kinds::Rules;

use crate::{REGISTRY, SECRET_NAME};

/// The settings that change what the filter does with a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Make pull Secrets; without, only references (`--no-secret`).
    pub credentials: bool,
    /// Parse every document (`--validate`); without, a document that a skim shows needs no
    /// edit is copied unparsed (the stdin fast path).
    pub validate: bool,
    /// Touch only pod specs with an image on [`REGISTRY`] (`--only-registry-images`).
    pub only_registry: bool,
}

impl Options {
    /// The stdin filter of a pipeline: credentials, the fast path, every pod spec.
    pub const STDIN: Options = Options { credentials: true, validate: false, only_registry: false };

    /// The options numbered by the low three bits of `bits`: credentials (1), validate (2),
    /// only_registry (4). The fuzz target reads its options so, and its helpers take them so.
    pub fn from_bits(bits: u8) -> Options {
        Options {
            credentials: bits & 1 != 0,
            validate: bits & 2 != 0,
            only_registry: bits & 4 != 0,
        }
    }

    /// Every combination.
    pub fn all() -> impl Iterator<Item = Options> {
        (0..8).map(Options::from_bits)
    }
}

/// The library's configuration for `options`: the secret name [`SECRET_NAME`], credentials
/// for [`REGISTRY`] with the canary password, no `--pod-spec-path` rules, no default
/// namespace, a plain Secret. Every test builds its `Config` here, so a change to the library's
/// types is one change here.
pub fn filter_config(options: Options) -> Config {
    Config {
        secret_name: SECRET_NAME.to_string(),
        only_registry: options.only_registry.then(|| REGISTRY.to_string()),
        rules: Rules::new(vec![]),
        pull_secret: options.credentials.then(|| PullSecret {
            format: Box::new(Plain { credentials: crate::credentials() }),
            reusable: Default::default(),
        }),
        default_namespace: None,
        validate: options.validate,
    }
}

/// The filter's output for `input` read as stdin, or its error message.
pub fn filter_bytes(input: &[u8], options: Options) -> Result<Vec<u8>, String> {
    acr_inject::filter::filter_bytes("<stdin>", input, &filter_config(options))
        .map(|(output, _)| output)
        .map_err(|error| error.to_string())
}
