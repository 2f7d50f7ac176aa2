//! The command line: every flag, with its help text beside it.

use clap::builder::{FalseyValueParser, PossibleValue};
use clap::{ArgGroup, Parser, ValueEnum};
use std::path::PathBuf;

use crate::formats::external_secrets::{
    AcrAuth, RefreshInterval, RemoteKeys, StoreRef, TokenScope,
};
use crate::k8s::kinds::PodSpecRule;
use crate::seal::Scope;

const ABOUT: &str = "Add an Azure Container Registry pull secret to Kubernetes manifests: every workload's \
pod spec gets an imagePullSecrets reference, and the pull Secret itself is emitted once per namespace, \
byte-identical to `kubectl create secret docker-registry`. Every other byte of the input is kept.";

const AFTER_HELP: &str = "\
Examples:
  kustomize build overlays/prod | ACR_INJECT_PASSWORD=\"$SP_PASSWORD\" acr-inject -r myregistry -u \"$SP_APP_ID\" | kubectl apply -f -
  helm template my-chart | acr-inject --no-secret --secret-name regcred

Credentials never go on the command line: the password comes from ACR_INJECT_PASSWORD,
--password-file or --password-stdin; when none of those nor --username is set,
AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are used (and announced on stderr).

More examples:
  acr-inject --no-secret k8s/                               print the transformed stream of k8s/
  acr-inject --no-secret --write k8s/ 'apps/**/deploy*.yaml'  fix files in place
  acr-inject --no-secret --check k8s/                       show a diff; exit 1 on changes
  kustomize build . | acr-inject -r myregistry -u \"$APP_ID\" --seal-cert pub-cert.pem -o rendered.yaml
  acr-inject -r myregistry -u \"$APP_ID\" --sops --secret-file k8s/acr-secret.yaml --write k8s/
  kustomize build . | acr-inject -r myregistry --external-secrets ClusterSecretStore/azure-kv   no credential at all

Exit status: 0 success (nothing to change), 1 --check found or --write made changes,
2 usage or input error (then nothing is written: stdout stays empty unless --stream, and no
file is touched).";

/// The flags that each choose a format other than the plain Secret; mutually exclusive.
const CREDENTIAL_SOURCES: [&str; 5] =
    ["seal_cert", "sops_age", "sops", "external_secrets", "acr_token"];

#[derive(Debug, Parser)]
#[command(name = "acr-inject", version, about = ABOUT, after_help = AFTER_HELP, max_term_width = 100)]
// The formats whose output is encrypted afresh on every run, so that reusing what is current
// (`--previous`) or refusing to (`--reseal`) means something.
#[command(group(ArgGroup::new("encrypted_output").args(["seal_cert", "sops_age", "sops"]).multiple(true)))]
// Where the pull secret's credential comes from, when it is not a plain Secret: at most one.
// A new format joins CREDENTIAL_SOURCES, and clap names both flags when two are given.
#[command(group(ArgGroup::new("credential_source").args(CREDENTIAL_SOURCES).multiple(false)))]
// The External Secrets formats, whose settings need one of them.
#[command(group(ArgGroup::new("external_secrets_output").args(["external_secrets", "acr_token"]).multiple(false)))]
pub struct Cli {
    /// Manifests to read: files, directories (searched for *.yaml, *.yml, *.json; hidden ones
    /// skipped), glob patterns (`**` included), `-` for stdin. None: stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Rewrite changed files in place (atomically); exit 1 when any changed, as pre-commit
    /// fixers do. Secrets go to --secret-file.
    #[arg(short, long, conflicts_with_all = ["check", "stream"], help_heading = "Files")]
    pub write: bool,

    /// Write nothing: print a unified diff of what would change (credentials redacted) and
    /// exit 1 when anything would, 0 when nothing would.
    #[arg(long, conflicts_with = "stream", help_heading = "Files")]
    pub check: bool,

    /// Colour the diff: `auto` (only on a terminal, and not when NO_COLOR is set), `always`,
    /// `never`.
    #[arg(long, value_enum, default_value_t = Colour::Auto, value_name = "WHEN", help_heading = "Files")]
    pub color: Colour,

    /// With --write or --check: the file that holds the pull Secrets (created or updated; one
    /// per namespace).
    #[arg(long, env = "ACR_INJECT_SECRET_FILE", value_name = "PATH", help_heading = "Files")]
    pub secret_file: Option<PathBuf>,

    /// Allow writing a plain (unsealed) Secret into --secret-file. In a Git repository that
    /// file would leak the password: prefer sealing.
    #[arg(long, help_heading = "Files")]
    pub allow_plaintext_secret: bool,

    /// Write the stream to this file (atomically) instead of stdout. When sealing, the file's
    /// current SealedSecrets are reused where still valid, so re-rendering does not churn.
    #[arg(short, long, value_name = "PATH", conflicts_with_all = ["write", "check", "stream"], help_heading = "Files")]
    pub output: Option<PathBuf>,

    /// Emit a Bitnami SealedSecret (sealed with this certificate, as `kubeseal --fetch-cert`
    /// prints it) instead of a plain Secret.
    #[arg(long, env = "ACR_INJECT_SEAL_CERT", value_name = "PATH", help_heading = "Sealing")]
    pub seal_cert: Option<PathBuf>,

    /// Emit each pull Secret SOPS-encrypted to this age recipient (`age1…`), values only
    /// (encrypted_regex `^(data|stringData)$`), for Flux, KSOPS or `sops decrypt`. Repeatable;
    /// the variable takes a comma-separated list.
    #[arg(long, env = "ACR_INJECT_SOPS_AGE", value_name = "RECIPIENT", value_delimiter = ',', conflicts_with_all = ["seal_cert", "sops"], help_heading = "SOPS")]
    pub sops_age: Vec<String>,

    /// Emit SOPS-encrypted pull Secrets for the age recipients (and encrypted_regex) of the
    /// `.sops.yaml` rule that sops would apply to the file written (--secret-file, -o; for
    /// stdout, the empty path), found as sops finds it: from the current directory up.
    #[arg(long, conflicts_with = "seal_cert", help_heading = "SOPS")]
    pub sops: bool,

    /// Sealing scope, as kubeseal's: what a sealed value is bound to (`strict`: the namespace
    /// and the name; `namespace-wide`: the namespace; `cluster-wide`: nothing).
    #[arg(long, env = "ACR_INJECT_SCOPE", value_enum, default_value_t = Scope::Strict, help_heading = "Sealing")]
    pub scope: Scope,

    /// The namespace assumed for objects that name none (strict and namespace-wide sealing
    /// must know it).
    #[arg(long, env = "ACR_INJECT_NAMESPACE", value_name = "NS", help_heading = "Sealing")]
    pub namespace: Option<String>,

    /// Seal (or SOPS-encrypt) afresh even where an up-to-date SealedSecret (or SOPS Secret)
    /// exists: after rotating credentials, which the ciphertext hides.
    #[arg(long, requires = "encrypted_output", help_heading = "Sealing")]
    pub reseal: bool,

    /// A previous output of this command: its SealedSecrets that match name, namespace, scope
    /// and certificate (SOPS Secrets: recipients and encrypted_regex) are reused instead of
    /// encrypting afresh.
    #[arg(long, value_name = "PATH", requires = "encrypted_output", help_heading = "Sealing")]
    pub previous: Option<PathBuf>,

    /// Emit an ExternalSecret (External Secrets Operator >= 0.16) that fills the pull Secret
    /// from two keys of this store, `ClusterSecretStore/NAME` or `SecretStore/NAME`: no
    /// credential in the output.
    #[arg(
        long,
        env = "ACR_INJECT_EXTERNAL_SECRETS",
        value_name = "STORE",
        help_heading = "External Secrets"
    )]
    pub external_secrets: Option<StoreRef>,

    /// With --external-secrets: the store's keys holding the username and the password.
    #[arg(
        long,
        env = "ACR_INJECT_REMOTE_KEYS",
        value_name = "USERNAME_KEY,PASSWORD_KEY",
        default_value = "acr-pull-username,acr-pull-password",
        requires = "external_secrets",
        help_heading = "External Secrets"
    )]
    pub remote_keys: RemoteKeys,

    /// Emit an ACRAccessToken generator and an ExternalSecret that fills the pull Secret with a
    /// short-lived ACR token; AUTH: `workload-identity=SERVICE_ACCOUNT`,
    /// `managed-identity=CLIENT_ID` or `service-principal=SECRET_NAME` (a Secret with keys
    /// clientId and clientSecret; needs --tenant-id).
    #[arg(
        long,
        env = "ACR_INJECT_ACR_TOKEN",
        value_name = "AUTH",
        help_heading = "External Secrets"
    )]
    pub acr_token: Option<AcrAuth>,

    /// With --acr-token: the Microsoft Entra tenant of the identity.
    #[arg(
        long,
        env = "ACR_INJECT_TENANT_ID",
        value_name = "TENANT_ID",
        requires = "acr_token",
        help_heading = "External Secrets"
    )]
    pub tenant_id: Option<String>,

    /// With --acr-token: narrow the token to `repository:NAME:pull`.
    #[arg(
        long,
        env = "ACR_INJECT_ACR_TOKEN_SCOPE",
        value_name = "SCOPE",
        requires = "acr_token",
        help_heading = "External Secrets"
    )]
    pub acr_token_scope: Option<TokenScope>,

    /// How often ESO reads the credential again (a Go duration). ACR tokens expire after about
    /// 75 minutes: keep it at 1h or less with --acr-token.
    #[arg(
        long,
        env = "ACR_INJECT_REFRESH_INTERVAL",
        value_name = "DURATION",
        default_value = RefreshInterval::DEFAULT,
        requires = "external_secrets_output",
        help_heading = "External Secrets"
    )]
    pub refresh_interval: RefreshInterval,

    /// Registry name (`myregistry` means `myregistry.azurecr.io`) or login server.
    #[arg(short, long, env = "ACR_INJECT_REGISTRY", value_name = "NAME|LOGIN_SERVER")]
    pub registry: Option<String>,

    /// Username: the service principal's application (client) ID, or a token name.
    #[arg(short, long, env = "ACR_INJECT_USERNAME")]
    pub username: Option<String>,

    /// Read the password from this file (one trailing newline is stripped).
    #[arg(long, value_name = "PATH", conflicts_with = "password_stdin")]
    pub password_file: Option<PathBuf>,

    /// Read the password from stdin (one trailing newline is stripped); the manifests must then
    /// come from files.
    #[arg(long)]
    pub password_stdin: bool,

    /// Email recorded in the Secret, as `kubectl --docker-email` does (rarely needed).
    #[arg(long, env = "ACR_INJECT_EMAIL")]
    pub email: Option<String>,

    /// Name of the pull Secret, and of the reference added to pod specs.
    #[arg(
        short,
        long,
        env = "ACR_INJECT_SECRET_NAME",
        default_value = "acr-secret",
        value_name = "NAME"
    )]
    pub secret_name: String,

    /// Only add the references; emit no Secret (no credentials needed).
    #[arg(long, env = "ACR_INJECT_NO_SECRET", value_parser = FalseyValueParser::new())]
    pub no_secret: bool,

    /// Touch only pod specs with an image on the registry (and emit Secrets only for their
    /// namespaces).
    #[arg(long, env = "ACR_INJECT_ONLY_REGISTRY_IMAGES", value_parser = FalseyValueParser::new())]
    pub only_registry_images: bool,

    /// Extra rule for a custom resource: where its pod spec is, `[]` stepping into every item of
    /// a list and `*` into every value of a mapping, e.g.
    /// `AnalysisTemplate.argoproj.io=spec.metrics[].provider.job.spec.template.spec`. Without
    /// `.GROUP` the rule applies to the kind in every API group. Adds to the built-in rules.
    /// Repeatable.
    #[arg(long = "pod-spec-path", value_name = "KIND[.GROUP]=PATH")]
    pub pod_spec_paths: Vec<PodSpecRule>,

    /// A file of rules, in the format of the built-in table (a YAML list of `kind`, `group`,
    /// `paths`, `field`, `shape`, `images`): a rule for a kind replaces the built-in ones.
    /// Repeatable; default: the paths in ACR_INJECT_RULES, separated by `:`.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Write each document as soon as it is done, in constant memory. The price: an error
    /// part-way leaves the documents before it on stdout (by default nothing is written unless
    /// the whole input succeeds, so `kubectl apply -f -` never gets half a stream).
    #[arg(long)]
    pub stream: bool,

    /// Parse (and so validate) every document of stdin. Without it, a document whose column-0
    /// lines show it cannot need an edit (a ConfigMap, a CRD...) is copied unparsed, which is
    /// what makes big streams fast; files, --check and --write always parse everything.
    #[arg(long, env = "ACR_INJECT_VALIDATE", value_parser = FalseyValueParser::new())]
    pub validate: bool,

    /// Accept input without any manifest (by default an error: a failed `kustomize build` in a
    /// pipe without pipefail looks like empty input, and an empty result makes Argo CD prune
    /// everything).
    #[arg(long)]
    pub allow_empty: bool,

    /// Argo CD plugin mode (the `generate` command of deploy/argocd/plugin.yaml): read the
    /// current directory (through `kustomize build .` when it has a kustomization), never stdin;
    /// take settings also from ARGOCD_ENV_ACR_INJECT_* and the plugin parameters (never
    /// credentials); an empty result is an error.
    #[arg(long, conflicts_with_all = ["paths", "write", "check", "stream", "output", "allow_empty", "password_stdin"], help_heading = "Argo CD")]
    pub argocd: bool,

    /// The helm binary for --argocd, to render a chart directory and kustomize's helmCharts
    /// (default: `helm` on PATH).
    #[arg(
        long,
        env = "ACR_INJECT_HELM",
        value_name = "PATH",
        requires = "argocd",
        help_heading = "Argo CD"
    )]
    pub helm: Option<PathBuf>,

    /// Helm post-renderer mode (what the Helm 4 plugin in deploy/helm runs; with Helm 3, pass it
    /// with --post-renderer-args): Helm's stream on stdin; objects that name no namespace are
    /// in the release namespace (--namespace, else HELM_NAMESPACE); pre-install/pre-upgrade
    /// hooks that pull from the registry get a pull Secret created before them.
    #[arg(long, conflicts_with_all = ["paths", "write", "check", "stream", "output", "allow_empty", "password_stdin", "argocd"], help_heading = "Helm")]
    pub helm_post_renderer: bool,

    /// The kustomize binary for --argocd (default: `kustomize` on PATH).
    #[arg(
        long,
        env = "ACR_INJECT_KUSTOMIZE",
        value_name = "PATH",
        requires = "argocd",
        help_heading = "Argo CD"
    )]
    pub kustomize: Option<PathBuf>,

    /// KRM function mode (standalone kustomize, kpt): read a ResourceList on stdin, take the
    /// settings from its functionConfig (an AcrInject object, as for the exec plugin), write a
    /// ResourceList with the edited items and the pull Secrets; errors are also `results`.
    #[arg(long, conflicts_with_all = ["paths", "write", "check", "stream", "output", "allow_empty", "password_stdin", "argocd", "helm_post_renderer"], help_heading = "kustomize")]
    pub krm: bool,
}

/// When to colour the diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Colour {
    Auto,
    Always,
    Never,
}

/// kubeseal's scopes, as [`Scope::name`] spells them.
impl ValueEnum for Scope {
    fn value_variants<'a>() -> &'a [Self] {
        &Scope::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}
