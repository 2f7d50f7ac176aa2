//! `render_secret` against goldens printed by a real kubectl. The inputs are in
//! fixtures/kubectl-secret/cases.tsv; scripts/regen-kubectl-goldens.sh regenerates the goldens.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use acr_inject::k8s::secret::{DockerLogin, render_secret};
use zeroize::Zeroizing;

struct Case {
    case: String,
    name: String,
    namespace: Option<String>,
    server: String,
    username: String,
    password: String,
    email: Option<String>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/kubectl-secret")
}

fn cases() -> Vec<Case> {
    let tsv = fs::read_to_string(fixtures().join("cases.tsv")).expect("cases.tsv is readable");
    let mut lines = tsv.lines().filter(|line| !line.starts_with('#'));
    assert_eq!(lines.next(), Some("case\tname\tnamespace\tserver\tusername\tpassword\temail"));
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [case, name, namespace, server, username, password, email] = fields[..] else {
                panic!("not 7 tab-separated columns: {line:?}");
            };
            let optional = |s: &str| (s != "-").then(|| s.to_owned());
            Case {
                case: case.to_owned(),
                name: name.to_owned(),
                namespace: optional(namespace),
                server: server.to_owned(),
                username: username.to_owned(),
                password: serde_json::from_str(password)
                    .expect("the password column is a JSON string"),
                email: optional(email),
            }
        })
        .collect()
}

fn render(case: &Case, eol: &str) -> Zeroizing<String> {
    let login = DockerLogin {
        server: &case.server,
        username: &case.username,
        password: &case.password,
        email: case.email.as_deref(),
    };
    render_secret(&case.name, case.namespace.as_deref(), &login, eol)
}

fn golden(case: &Case) -> String {
    let path = fixtures().join(format!("{}.yaml", case.case));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_case_matches_kubectl_byte_for_byte() {
    for case in cases() {
        assert_eq!(*render(&case, "\n"), golden(&case), "case {}", case.case);
    }
}

#[test]
fn crlf_output_is_the_golden_with_crlf_line_ends() {
    for case in cases() {
        assert_eq!(
            *render(&case, "\r\n"),
            golden(&case).replace('\n', "\r\n"),
            "case {}",
            case.case
        );
    }
}

#[test]
fn every_golden_has_a_case() {
    let listed: BTreeSet<String> =
        cases().into_iter().map(|case| format!("{}.yaml", case.case)).collect();
    let on_disk: BTreeSet<String> = fs::read_dir(fixtures())
        .expect("the fixtures directory is readable")
        .map(|entry| entry.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .filter(|file| file.ends_with(".yaml"))
        .collect();
    assert_eq!(listed, on_disk);
}
