//! The fuzz targets' bodies, here rather than in `fuzz_targets/` so that the tests in `tests/`
//! run them without libFuzzer: on the committed seeds, and in the helpers for findings. The
//! checks themselves are the test kit's (`testkit/`), shared with the property tests and the
//! fuzz regressions of the normal `cargo test`.

use acr_inject::settings::{Environment, Mode, Settings, SettingsError};
use acr_inject::yaml::split::documents;
use acr_inject_testkit::check::{Replaced, check_manifest, filter_and_check};
use acr_inject_testkit::filter::Options;
use acr_inject_testkit::generate::Manifest;
use acr_inject_testkit::split::{assert_documents_tile, streamed};

/// The `split` target: the document splitter, `acr_inject::yaml::split`, on raw bytes. For any
/// bytes it never panics, its documents tile the input, and feeding the same bytes in chunks
/// (as the filter's reader does) gives the same documents as splitting the whole
/// ([`acr_inject_testkit::split`]).
///
/// The chunk sizes come from a small generator seeded by the input, so that the input stays
/// plain YAML (the seeds are real manifests) while every input is also cut at fuzzer-chosen
/// places. Short inputs are also fed one byte at a time, which puts a chunk boundary
/// everywhere.
pub fn split(data: &[u8]) {
    let whole = documents(data);
    assert_documents_tile(data, &whole);
    let mut sizes = ChunkSizes::seeded_by(data);
    assert_eq!(streamed(data, || sizes.next()), whole, "streamed in pseudo-random chunks");
    if data.len() <= 4096 {
        // One byte at a time costs a rescan of the current line per byte: keep it short.
        assert_eq!(streamed(data, || 1), whole, "streamed one byte at a time");
    }
}

/// The `inject` target: the injector, `acr_inject::filter::filter_bytes`, two ways on every
/// input.
///
/// 1. The raw bytes, as stdin delivers them, once as the stdin filter runs by default (with
///    credentials, skimming documents that cannot need an edit) and once with `--validate` and
///    `--no-secret`: this reaches the splitter, UTF-8 and YAML error paths, and whatever the
///    real manifests of the seeds lead the mutator to. Refusing is fine; what is accepted must
///    only gain bytes (unless it holds something replaced by design), come back unchanged from
///    a second run and stay valid YAML ([`filter_and_check`]).
/// 2. The same bytes as decisions of the kit's manifest generator (the first byte picks the
///    options: credentials, `--validate`, `--only-registry-images`): this reaches the planning
///    and writing of additions (existing lists in every form, anchors, merge keys, namespaces,
///    styles) far more often than mutated bytes do, and the generator knows what the tool must
///    do, so every invariant of the property tests is checked ([`check_manifest`]).
///
/// A panic or a hang anywhere is a finding too.
pub fn inject(data: &[u8]) {
    filter_and_check(data, Replaced::Unknown, Options::STDIN);
    let checking = Options { credentials: false, validate: true, only_registry: false };
    filter_and_check(data, Replaced::Unknown, checking);

    let Some((&options, decisions)) = data.split_first() else { return };
    check_manifest(&Manifest::from_bytes(decisions), Options::from_bits(options));
}

/// Chunk sizes from 1 to 64 bytes, mostly small, drawn by xorshift from a hash of the input.
struct ChunkSizes(u64);

impl ChunkSizes {
    fn seeded_by(data: &[u8]) -> ChunkSizes {
        // FNV-1a, then never zero (xorshift's one fixed point).
        let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        ChunkSizes(hash | 1)
    }

    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let roll = self.0 % 64 + 1;
        // Square-ish distribution: small chunks are where boundaries fall inside markers.
        (roll * roll / 64).max(1) as usize
    }
}

/// The `rules` target: a rules file (`--rules FILE`, the format of the built-in table), then
/// the filter under those rules. The input is the file's text up to the first NUL byte; what
/// follows decides a manifest stream (the kit's generator), which also holds every kind the
/// file names as a document of its own.
///
/// The parser never panics; a refusal points inside the text. Accepted rules drive the filter
/// over a generated stream without a panic or a hang, and what the filter accepts keeps the
/// input's bytes, is accepted again unchanged, and stays valid YAML ([`filter_and_check`]
/// with the rules, through [`rules_config`]).
pub fn rules(data: &[u8]) {
    let (text, decisions) = split_at_nul(data);
    let Ok(text) = std::str::from_utf8(text) else { return };
    let rules = match acr_inject::k8s::rule_file::parse(text) {
        Ok(rules) => rules,
        Err(error) => {
            assert!(error.span.start <= text.len(), "the error points past the text: {error:?}");
            assert!(!error.message.contains('\n'), "a message of many lines: {error:?}");
            return;
        }
    };
    let mut stream = Manifest::from_bytes(decisions).text;
    for rule in rules.iter().take(16) {
        stream.push_str(&workload_of(rule));
    }
    let config = rules_config(rules);
    let filter = |input: &[u8]| {
        acr_inject::filter::filter_bytes("<stdin>", input, &config).map(|(output, _)| output)
    };
    let Ok(output) = filter(stream.as_bytes()) else { return };
    acr_inject_testkit::invariants::assert_second_run_changes_nothing(&output, |output| {
        filter(output).map_err(|e| e.to_string())
    });
    acr_inject_testkit::invariants::assert_valid_yaml_stays_valid(stream.as_bytes(), &output);
}

/// The filter's configuration with credentials and the rules of a file (as `--rules` gives
/// them: above the built-in table).
fn rules_config(rules: Vec<acr_inject::k8s::kinds::PodSpecRule>) -> acr_inject::filter::Config {
    let mut config = acr_inject_testkit::filter::filter_config(Options::STDIN);
    config.rules = acr_inject::k8s::kinds::Rules::with_overrides(rules, Vec::new());
    config
}

/// A document of the rule's kind (in its group, when it names one) with a pod spec at the
/// first path, written with every `[]` and `*` taken once and `?` present.
fn workload_of(rule: &acr_inject::k8s::kinds::PodSpecRule) -> String {
    let api_version = match rule.group.as_deref() {
        None | Some("") => "v1".to_string(),
        Some(group) => format!("{group}/v1"),
    };
    let mut body = String::from("containers:\n- image: myregistry.azurecr.io/app:1\n");
    let segments = rule.paths.first().map(|path| path.to_string()).unwrap_or_default();
    for segment in segments.rsplit('.').filter(|s| !s.is_empty()) {
        let key = segment.trim_end_matches('?').trim_end_matches("[]");
        let key = if key == "*" { "each" } else { key };
        let indented: String = body.lines().map(|line| format!("  {line}\n")).collect();
        body = match segment.ends_with("[]") {
            true => format!("{}:\n-{}", yaml_key(key), &indented[1..]),
            false => format!("{}:\n{indented}", yaml_key(key)),
        };
    }
    format!(
        "---\napiVersion: {api_version}\nkind: {}\nmetadata:\n  name: x\n{body}",
        yaml_key(&rule.kind)
    )
}

/// `text` as a double-quoted YAML key.
fn yaml_key(text: &str) -> String {
    serde_json::to_string(text).expect("a string")
}

/// The bytes before the first NUL, and those after it.
fn split_at_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&byte| byte == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[]),
    }
}

/// The `sops_config` target: a `.sops.yaml`, the text up to the first NUL byte, and the
/// path it is asked about (what follows it; empty: stdout).
///
/// It never panics; a refusal is one line that names `.sops.yaml:LINE:COLUMN` and never
/// quotes an age secret key. An accepted rule encrypts the credentials: a SOPS Secret made
/// with it holds neither the password nor the plaintext `.dockerconfigjson`, in any form.
pub fn sops_config(data: &[u8]) {
    let (text, relative) = split_at_nul(data);
    let relative = String::from_utf8_lossy(relative);
    let rule = match acr_inject::sops::config::parse(".sops.yaml", text, &relative) {
        Ok(rule) => rule,
        Err(error) => {
            let message = error.to_string();
            assert!(message.starts_with(".sops.yaml:"), "not located: {message}");
            assert!(!message.contains('\n'), "a message of many lines: {message}");
            assert!(!message.contains("SECRET-KEY-1"), "quotes a secret key: {message}");
            return;
        }
    };
    assert!(!rule.recipients.is_empty(), "a rule without recipients was accepted");
    let recipients = rule.recipients.into_iter().take(4).collect();
    let regex =
        rule.encrypted_regex.unwrap_or_else(|| regex::Regex::new("^(data|stringData)$").unwrap());
    let sops = acr_inject::formats::sops::Sops::new(
        acr_inject_testkit::credentials(),
        recipients,
        regex,
        false,
        std::time::UNIX_EPOCH,
    );
    use acr_inject::formats::SecretFormat;
    let rendered = sops.render(0, "acr-secret", Some("shop"), "\n").expect("a Secret");
    for form in acr_inject_testkit::credential_forms() {
        assert!(!rendered.contains(&form), "the Secret holds a credential in clear: {}", *rendered);
    }
}

/// What one run of the program printed and how it ended: the message of its error, if any.
struct Run {
    stdout: Vec<u8>,
    error: Option<String>,
    /// A usage error (clap's): it prints no ResourceList, as `acr-inject --krm --bad` does not.
    usage: bool,
}

/// The program as `app::main` runs it, on `args`, `env` and `stdin`, without a process: the
/// settings resolved once, then the mode's arm; a settings error of the KRM function reported
/// as a ResourceList, as `main` reports it.
fn run_program(args: &[&str], env: &Environment, stdin: &[u8]) -> Run {
    let args = args.iter().map(std::ffi::OsString::from).collect();
    let mut stdout = Vec::new();
    match Settings::resolve(args, env, &mut &stdin[..], false) {
        Err(SettingsError::Usage(error)) => {
            Run { stdout, error: Some(error.to_string()), usage: true }
        }
        Err(SettingsError::Invalid(error)) => {
            if env.get(KRM_MARK).is_some() {
                acr_inject::kustomize::function::report(&error, &mut stdout);
            }
            Run { stdout, error: Some(error.message().to_string()), usage: false }
        }
        Ok(settings) => {
            let result = acr_inject::run::run(&settings, &mut std::io::empty(), &mut stdout);
            Run { stdout, error: result.err().map(|e| e.message().to_string()), usage: false }
        }
    }
}

/// Marks the environment of a KRM function's run for [`run_program`] (as `--krm` among the
/// arguments does for `main`).
const KRM_MARK: &str = "ACR_INJECT_FUZZ_KRM";

/// Asserts that `text` gives none of the credentials away, in any form.
fn assert_no_credential(what: &str, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    for form in acr_inject_testkit::credential_forms() {
        assert!(!text.contains(&form), "{what} holds a credential ({form}): {text}");
    }
}

/// The `krm` target: the KRM function (`acr-inject --krm`), the input as the ResourceList on
/// stdin. The first byte picks whether the registry is on the command line (else only the
/// `functionConfig` can give it); the password is in the environment, as kustomize passes
/// it.
///
/// Whatever the list, the function never panics or hangs and always prints a ResourceList
/// (`resource_list::parse` reads it): on an error it carries the message in `results` and
/// the items unchanged, and neither the message nor the output holds the password in any
/// form. An accepted list keeps every item, holds the password only inside the pull Secret
/// (never in plain text), and a second run on the output prints it again byte for byte.
pub fn krm(data: &[u8]) {
    let Some((&choice, list)) = data.split_first() else { return };
    let mut args = vec!["acr-inject", "--krm", "-u", acr_inject_testkit::USERNAME];
    if choice & 1 != 0 {
        args.extend(["-r", "myregistry"]);
    }
    let env = Environment::from_pairs([
        ("ACR_INJECT_PASSWORD", acr_inject_testkit::PASSWORD),
        (KRM_MARK, "1"),
    ]);
    let canary_in_input = list.windows(11).any(|w| w == b"LEAK-CANARY");
    let first = run_program(&args, &env, list);
    if first.usage {
        return;
    }
    let printed = acr_inject::kustomize::resource_list::parse(&first.stdout).unwrap_or_else(|e| {
        panic!("not a ResourceList ({e}): {}", String::from_utf8_lossy(&first.stdout))
    });
    if canary_in_input {
        return;
    }
    let password = acr_inject_testkit::PASSWORD.as_bytes();
    assert!(!first.stdout.windows(password.len()).any(|w| w == password), "the password in clear");
    if let Some(error) = &first.error {
        assert_no_credential("the message", error.as_bytes());
        assert_no_credential("the output of a failure", &first.stdout);
        return;
    }
    let given = acr_inject::kustomize::resource_list::parse(list).expect("accepted, so read");
    assert!(printed.items.len() >= given.items.len(), "items were dropped");
    let second = run_program(&args, &env, &first.stdout);
    assert_eq!(second.error, None, "the output was refused");
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        String::from_utf8_lossy(&first.stdout),
        "a second run changed the output"
    );
}

/// The `argocd_parameters` target: what an Argo CD Application can set, against the
/// settings of the sidecar. The input is lines: one starting with `[` is
/// `ARGOCD_APP_PARAMETERS` (the parameters as JSON), any other `NAME=VALUE` a variable, its
/// name kept when it is one Argo CD sets for an Application (`PARAM_`, `ARGOCD_ENV_`,
/// `ARGOCD_APP_`, `KUBE_`), else taken as `PARAM_NAME`.
///
/// Settings never panic and no message holds the password. Whatever the Application says,
/// what is the sidecar's stays the sidecar's: with the sidecar's registry and username on
/// the command line (as its `ACR_INJECT_*` would be), the pull secret is exactly the one the
/// sidecar alone gives; without a registry in the sidecar no pull secret is made and no
/// registry chosen; the helm and kustomize binaries are never the Application's; inputs
/// are never read from it.
pub fn argocd_parameters(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with('[') {
            pairs.push(("ARGOCD_APP_PARAMETERS".into(), line.into()));
            continue;
        }
        let (name, value) = line.split_once('=').unwrap_or((line, ""));
        let application = ["PARAM_", "ARGOCD_ENV_", "ARGOCD_APP_", "KUBE_"];
        let name = match application.iter().any(|prefix| name.starts_with(prefix)) {
            true => name.to_string(),
            false => format!("PARAM_{name}"),
        };
        pairs.push((name, value.into()));
    }
    let sidecar = [("ACR_INJECT_PASSWORD", acr_inject_testkit::PASSWORD)];
    let with_application = |pairs: &[(String, String)]| {
        Environment::from_pairs(
            pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).chain(sidecar.iter().copied()),
        )
    };
    let env = with_application(&pairs);
    let alone = with_application(&[]);
    let registry =
        ["acr-inject", "--argocd", "-r", "myregistry", "-u", acr_inject_testkit::USERNAME];

    let resolve = |args: &[&str], env: &Environment| {
        let args = args.iter().map(std::ffi::OsString::from).collect();
        Settings::resolve(args, env, &mut std::io::empty(), false)
    };
    let message = |result: &Result<Settings, SettingsError>| match result {
        Ok(_) => String::new(),
        Err(SettingsError::Usage(error)) => error.to_string(),
        Err(SettingsError::Invalid(error)) => error.message().to_string(),
    };
    let baseline = resolve(&registry, &alone).expect("the sidecar's settings alone resolve");
    let chosen = resolve(&registry, &env);
    assert_no_credential("the message", message(&chosen).as_bytes());
    if let Ok(settings) = &chosen {
        let format =
            |s: &Settings| format!("{:?}", s.config.pull_secret.as_ref().map(|p| &p.format));
        assert_eq!(format(settings), format(&baseline), "the Application changed the pull secret");
        assert_sidecars_own(settings);
        if let Some(only) = &settings.config.only_registry {
            assert_eq!(only, "myregistry.azurecr.io", "the Application chose the registry");
        }
    }
    let without_registry = resolve(&["acr-inject", "--argocd"], &env);
    assert_no_credential("the message", message(&without_registry).as_bytes());
    if let Ok(settings) = &without_registry {
        assert!(settings.config.pull_secret.is_none(), "the Application gave the registry");
        assert!(settings.config.only_registry.is_none(), "the Application chose the registry");
        assert_sidecars_own(settings);
    }
}

/// What only the sidecar sets: the binaries run, the inputs read, and files to reuse.
fn assert_sidecars_own(settings: &Settings) {
    let Mode::ArgoCd { kustomize, helm, .. } = &settings.mode else {
        panic!("not the Argo CD mode: {:?}", settings.mode)
    };
    assert_eq!((kustomize, helm), (&None, &None), "the Application chose a binary");
    assert!(settings.inputs.is_empty(), "the Application chose inputs");
    assert!(
        settings.config.pull_secret.as_ref().is_none_or(|p| p.reusable.is_empty()),
        "the Application chose a file to reuse"
    );
}
