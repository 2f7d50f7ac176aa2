//! Hostile and odd inputs: each gets a correct edit or a one-line error with its location, exit
//! status 2 and nothing on stdout, in bounded time and memory.

mod common;

use std::time::Duration;

use acr_inject_testkit::PASSWORD;
use acr_inject_testkit::invariants::{
    assert_only_insertions, assert_oracle_sees_only_the_injection,
};
use acr_inject_testkit::oracle::{oracle_documents, references, str_at};
use common::*;

/// Runs with credentials (parsing every document) and a time limit.
fn run(input: impl Into<Vec<u8>>, extra: &[&str]) -> std::process::Output {
    let mut command = acr_inject_with_credentials();
    command.arg("--validate").args(extra).timeout(Duration::from_secs(60));
    command.write_stdin(input.into()).output().unwrap()
}

/// Asserts a one-line error mentioning `expected`, exit 2, empty stdout; returns the message.
fn refused(output: &std::process::Output, expected: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "expected {expected:?} in {stderr}");
    assert!(!stderr.contains(PASSWORD));
    stderr
}

/// Asserts success with only insertions and a stable second run; returns the output.
fn edited(input: &[u8], extra: &[&str]) -> Vec<u8> {
    let output = run(input.to_vec(), extra);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_only_insertions(input, &output.stdout);
    let again = run(output.stdout.clone(), extra);
    assert_eq!(String::from_utf8_lossy(&again.stdout), String::from_utf8_lossy(&output.stdout));
    output.stdout
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: myregistry.azurecr.io/app:1\n";

#[test]
fn an_alias_bomb_is_never_expanded() {
    let mut input = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: lol\n");
    input.push_str("x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=12 {
        let previous = format!("*x{}", level - 1);
        let items = vec![previous; 10].join(", ");
        input.push_str(&format!("x{level}: &x{level} [{items}]\n"));
    }
    input.push_str(
        "spec:\n  containers: [{name: app, image: myregistry.azurecr.io/app:1}]\n  volumes: *x12\n",
    );
    let output = edited(input.as_bytes(), &["--only-registry-images"]);
    assert!(String::from_utf8_lossy(&output).contains("imagePullSecrets"));
}

#[test]
fn nesting_thousands_deep_is_refused_with_a_location() {
    let flow =
        format!("apiVersion: v1\nkind: Pod\nspec: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    refused(&run(flow, &[]), "<stdin>:3:262: collections nested too deeply; expected at most 256");
    let mut block = String::from("apiVersion: v1\nkind: Pod\nspec:\n");
    for depth in 1..3000 {
        block.push_str(&format!("{}k{depth}:\n", " ".repeat(depth)));
    }
    refused(&run(block, &[]), "<stdin>:");
}

#[test]
fn a_hundred_megabyte_line_is_handled() {
    let long = "x".repeat(100 << 20);
    let input = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: {long}\n---\n{POD}"
    );
    let mut command = acr_inject_with_credentials();
    command.timeout(Duration::from_secs(120));
    let output = command.write_stdin(input.clone()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stdout.ends_with(b"  imagePullSecrets:\n  - name: acr-secret\n"));
    assert_only_insertions(input.as_bytes(), &output.stdout);
    // The same line inside a workload, which is parsed.
    let parsed = format!("{POD}  hostname: {long}\n");
    let output = run(parsed.clone(), &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_only_insertions(parsed.as_bytes(), &output.stdout);
}

#[test]
fn utf16_input_says_what_it_is() {
    let utf16: Vec<u8> =
        "\u{feff}kind: Pod\n".encode_utf16().flat_map(|unit| unit.to_le_bytes()).collect();
    refused(&run(utf16, &[]), "UTF-16");
}

#[test]
fn nul_bytes_and_tab_indentation_are_refused_with_a_location() {
    refused(&run(format!("{POD}  x: a\0b\n"), &[]), "<stdin>:9:");
    refused(&run("apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n", &[]), "<stdin>:4:");
}

#[test]
fn duplicate_keys_are_refused() {
    refused(&run(format!("{POD}spec: {{}}\n"), &[]), "duplicate key `spec`");
    let twice = format!("{POD}  imagePullSecrets: []\n  imagePullSecrets: [{{name: other}}]\n");
    refused(&run(twice, &[]), "duplicate key `imagePullSecrets`");
}

#[test]
fn tags_are_kept_and_edited_through() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata: {name: tagged}\nspec: !!map\n  containers: !!seq [{name: app, image: app}]\n  imagePullSecrets: !!seq\n  - name: other\n";
    let output = String::from_utf8(edited(input.as_bytes(), &[])).unwrap();
    assert!(
        output.ends_with("  imagePullSecrets: !!seq\n  - name: other\n  - name: acr-secret\n"),
        "{output}"
    );
}

#[test]
fn complex_keys_are_read_and_written_in_their_own_style() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata: {name: explicit}\n? spec\n: ? containers\n  : [{name: app, image: app}]\n";
    let output = edited(input.as_bytes(), &[]);
    let documents = oracle_documents(&output);
    let pod = documents.iter().find(|d| str_at(d, &["kind"]) == Some("Pod")).unwrap();
    assert!(references(pod, &["spec"], "acr-secret"), "{}", String::from_utf8_lossy(&output));
}

#[test]
fn documents_that_are_scalars_or_sequences_pass_through() {
    let input = format!("--- just a string\n---\n- a\n- b\n---\n{POD}");
    let output = edited(input.as_bytes(), &[]);
    assert!(
        String::from_utf8_lossy(&output).starts_with("--- just a string\n---\n- a\n- b\n---\n")
    );
}

#[test]
fn lists_nested_in_lists_are_walked() {
    let inner = POD.replace('\n', "\n      ");
    let input = format!(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n    - {}\n",
        inner.trim_end()
    );
    let output = edited(input.as_bytes(), &[]);
    assert_oracle_sees_only_the_injection(input.as_bytes(), &output, "acr-secret");
}

#[test]
fn a_lone_carriage_return_is_refused_with_its_location() {
    // Found by fuzzing: YAML reads a lone CR as a line break, this tool's lines end with LF.
    refused(
        &run(format!("{POD}  hostPID: true\rhostNetwork: true\n"), &[]),
        "<stdin>:9:16: a carriage return without a line feed",
    );
}

#[test]
fn mixed_line_endings_get_the_ending_of_the_line_they_join() {
    let input = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: mixed\r\nspec:\n  containers:\n  - name: app\n    image: app\n";
    let output = String::from_utf8(edited(input.as_bytes(), &[])).unwrap();
    assert!(
        output.ends_with("    image: app\n  imagePullSecrets:\n  - name: acr-secret\n"),
        "{output:?}"
    );
    assert_oracle_sees_only_the_injection(input.as_bytes(), output.as_bytes(), "acr-secret");
}

// --- Hostile values on the new surfaces: rules, the KRM function, Argo CD parameters --------

/// The program under an address-space limit of `megabytes` (so that unbounded memory is an
/// allocation failure, not a slow machine) and a time limit.
fn bounded(megabytes: u64, args: &[&str]) -> std::process::Command {
    let binary = assert_cmd::cargo::cargo_bin("acr-inject");
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -v {}; exec timeout 120 \"$0\" \"$@\"", megabytes * 1024))
        .arg(binary)
        .args(args)
        .env("ACR_INJECT_REGISTRY", "myregistry")
        .env("ACR_INJECT_USERNAME", acr_inject_testkit::USERNAME)
        .env("ACR_INJECT_PASSWORD", PASSWORD);
    command
}

/// Runs `command` with `input` on stdin.
fn fed(command: std::process::Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let input = input.to_vec();
    fed_by(command, move |mut stdin| stdin.write_all(&input)).0
}

/// Runs `command` with `write` writing its stdin from another thread (so that a command
/// that stops reading does not block the test): what it printed, and what `write` returned.
fn fed_by<T: Send + 'static>(
    mut command: std::process::Command,
    write: impl FnOnce(std::process::ChildStdin) -> T + Send + 'static,
) -> (std::process::Output, T) {
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || write(stdin));
    let output = child.wait_with_output().unwrap();
    (output, writer.join().unwrap())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_rules_path_of_ten_thousand_segments_is_walked_in_bounded_time_and_memory() {
    let path = vec!["a"; 10_000].join(".");
    let dir = assert_fs::TempDir::new().unwrap();
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, format!("- kind: Foo\n  paths: [{path}]\n")).unwrap();
    // The document follows the path 200 levels down (near the nesting limit), then stops.
    let mut input = String::from("apiVersion: example.com/v1\nkind: Foo\nmetadata: {name: x}\n");
    for depth in 0..200 {
        input.push_str(&format!("{}a:\n", "  ".repeat(depth)));
    }
    input.push_str(&format!("{}containers: []\n", "  ".repeat(200)));
    let flag = format!("Foo={path}");
    for args in [
        vec!["--no-secret", "--pod-spec-path", flag.as_str(), "-"],
        vec!["--no-secret", "--rules", rules.to_str().unwrap(), "-"],
    ] {
        let output = fed(bounded(256, &args), input.as_bytes());
        let stderr = text(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert_eq!(output.stdout, input.as_bytes(), "nothing to add: the path goes deeper");
        // The warning names the path, cut to one readable line.
        assert!(stderr.contains("nothing at `a.a.a."), "{stderr}");
        assert!(stderr.contains("(19999 characters)") && stderr.len() < 400, "{stderr}");
    }
}

#[test]
fn a_star_over_a_hundred_thousand_keys_adds_each_reference_once() {
    let mut input =
        String::from("apiVersion: example.com/v1\nkind: Foo\nmetadata: {name: x}\nspec:\n");
    for key in 0..100_000 {
        input.push_str(&format!("  k{key}: {{containers: []}}\n"));
    }
    let args = ["--no-secret", "--pod-spec-path", "Foo=spec.*", "-"];
    let output = fed(bounded(512, &args), input.as_bytes());
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_only_insertions(input.as_bytes(), &output.stdout);
    let added = text(&output.stdout).matches("imagePullSecrets: [{name: acr-secret}]").count();
    assert_eq!(added, 100_000);
    let again = fed(bounded(512, &args), &output.stdout);
    assert_eq!(again.stdout, output.stdout, "a second run changes nothing");
}

#[test]
fn a_gigabyte_resource_list_is_refused_at_the_limit_without_being_read_whole() {
    use std::io::Write;
    // A valid start, then items for a gigabyte, until the function stops reading.
    let (output, written) = fed_by(bounded(512, &["--krm"]), |mut stdin| {
        let mut written = 0_u64;
        let head = b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n";
        let item = b"- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v}}\n";
        let chunk: Vec<u8> = item.iter().copied().cycle().take(item.len() * 14_000).collect();
        if stdin.write_all(head).is_err() {
            return written;
        }
        while written < 1 << 30 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
            written += chunk.len() as u64;
        }
        written
    });
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the ResourceList is bigger than 64 MiB"), "{stderr}");
    assert!(written < 1 << 30, "the whole gigabyte was read ({written} bytes)");
    let list = oracle_documents(&output.stdout);
    assert_eq!(list.len(), 1, "a ResourceList with the error: {}", text(&output.stdout));
    let message = str_at(&list[0]["results"][0], &["message"]).unwrap();
    assert!(message.contains("bigger than 64 MiB"), "{message}");
}

#[test]
fn a_deeply_nested_function_config_is_a_located_error() {
    let head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: acr-inject.dev/v1alpha1\n  kind: AcrInject\n  metadata: {name: acr}\n  spec:\n    registry: myregistry\n    podSpecPaths: ";
    let block: String = (0..3_000).map(|depth| format!("\n{}k:", " ".repeat(6 + depth))).collect();
    for nested in ["[".repeat(100_000), "{a: ".repeat(100_000), block] {
        let input = format!("{head}{nested}\n");
        let output = fed(bounded(256, &["--krm"]), input.as_bytes());
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.starts_with("acr-inject: <stdin>:"), "located: {stderr}");
        assert!(
            stderr.contains(": collections nested too deeply; expected at most 256"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let list = oracle_documents(&output.stdout);
        let message = str_at(&list[0]["results"][0], &["message"]).unwrap();
        assert!(stderr.contains(message), "{message}");
    }
}

#[test]
fn hostile_argo_cd_parameters_are_bounded() {
    let dir = assert_fs::TempDir::new().unwrap();
    std::fs::write(dir.path().join(".acr-inject.yaml"), "").unwrap();
    std::fs::write(dir.path().join("pod.yaml"), POD).unwrap();
    // Nested past serde_json's limit, a hundred thousand parameters, and a long list of paths
    // (each environment variable stays under Linux's 128 KiB per string).
    let nested = format!("{}{}", "[".repeat(60_000), "]".repeat(60_000));
    let many = format!("[{}]", vec![r#"{"name":"x","string":"y"}"#; 4_000].join(","));
    let paths = vec!["Foo=spec"; 10_000].join(",");
    for (variable, value, expected) in [
        ("ARGOCD_APP_PARAMETERS", nested.as_str(), Some("is not a JSON list of parameters")),
        ("ARGOCD_APP_PARAMETERS", many.as_str(), Some("`x` is not an acr-inject setting")),
        ("ARGOCD_ENV_ACR_INJECT_POD_SPEC_PATH", paths.as_str(), None),
    ] {
        let mut command = bounded(256, &["--argocd"]);
        command
            .current_dir(dir.path())
            .env(variable, value)
            .env("ACR_INJECT_SEAL_CERT", fixtures_dir().join("seal/cert.pem"))
            .env("ARGOCD_APP_NAMESPACE", "shop");
        let output = fed(command, b"");
        let stderr = text(&output.stderr);
        match expected {
            Some(expected) => {
                assert_eq!(output.status.code(), Some(2), "{stderr}");
                assert!(stderr.contains(expected), "{}", &stderr[..stderr.len().min(300)]);
                assert!(stderr.len() < 1000, "one short line: {} bytes", stderr.len());
            }
            None => assert!(output.status.success(), "{stderr}"),
        }
    }
}
