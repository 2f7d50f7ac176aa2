//! The command line: every flag, with its help text beside it.

use clap::Parser;
use std::path::PathBuf;

use crate::k8s::kinds::PodSpecRule;

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

Exit status: 0 success, 2 usage or input error (nothing is written to stdout, unless --stream).";

#[derive(Debug, Parser)]
#[command(name = "acr-inject", version, about = ABOUT, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
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
    #[arg(long)]
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
    #[arg(long)]
    pub no_secret: bool,

    /// Touch only pod specs with an image on the registry (and emit Secrets only for their
    /// namespaces).
    #[arg(long)]
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

    /// Accept input without any manifest (by default an error: a failed `kustomize build` in a
    /// pipe without pipefail looks like empty input, and an empty result makes Argo CD prune
    /// everything).
    #[arg(long)]
    pub allow_empty: bool,
}
