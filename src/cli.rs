//! The command line: every flag, with its help text beside it.

use clap::builder::{FalseyValueParser, PossibleValue};
use clap::{ArgGroup, Parser, ValueEnum};
use std::path::PathBuf;

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

Exit status: 0 success (nothing to change), 1 --check found or --write made changes,
2 usage or input error (then nothing is written: stdout stays empty unless --stream, and no
file is touched).";

#[derive(Debug, Parser)]
#[command(name = "acr-inject", version, about = ABOUT, after_help = AFTER_HELP, max_term_width = 100)]
// The formats whose output is encrypted afresh on every run, so that reusing what is current
// (`--previous`) or refusing to (`--reseal`) means something.
#[command(group(ArgGroup::new("encrypted_output").args(["seal_cert"]).multiple(true)))]
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

    /// Sealing scope, as kubeseal's: what a sealed value is bound to (`strict`: the namespace
    /// and the name; `namespace-wide`: the namespace; `cluster-wide`: nothing).
    #[arg(long, env = "ACR_INJECT_SCOPE", value_enum, default_value_t = Scope::Strict, help_heading = "Sealing")]
    pub scope: Scope,

    /// The namespace assumed for objects that name none (strict and namespace-wide sealing
    /// must know it).
    #[arg(long, env = "ACR_INJECT_NAMESPACE", value_name = "NS", help_heading = "Sealing")]
    pub namespace: Option<String>,

    /// Seal afresh even where an up-to-date SealedSecret exists (after rotating credentials).
    #[arg(long, requires = "encrypted_output", help_heading = "Sealing")]
    pub reseal: bool,

    /// A previous output of this command: its SealedSecrets that match name, namespace, scope
    /// and certificate are reused instead of sealing afresh.
    #[arg(long, value_name = "PATH", requires = "encrypted_output", help_heading = "Sealing")]
    pub previous: Option<PathBuf>,

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
    /// a list, e.g. `AnalysisTemplate.argoproj.io=spec.metrics[].provider.job.spec.template.spec`.
    /// Without `.GROUP` the rule applies to the kind in every API group. Repeatable.
    #[arg(long = "pod-spec-path", value_name = "KIND[.GROUP]=PATH")]
    pub pod_spec_paths: Vec<PodSpecRule>,

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
