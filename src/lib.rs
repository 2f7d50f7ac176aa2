//! acr-inject: adds an Azure Container Registry pull secret to Kubernetes manifests while
//! keeping every other byte of them.
//!
//! The layers, each unaware of those above it:
//! - [`edit`]: byte-range insertions applied to untouched text;
//! - [`yaml`]: documents, a node tree with byte spans, and style-matching additions;
//! - [`k8s`]: which objects have pod specs, the reference, the kubectl-identical Secret;
//! - [`seal`]: the SealedSecret (kubeseal's hybrid encryption and manifest);
//! - [`sops`]: SOPS documents encrypted to age recipients, and `.sops.yaml` rules;
//! - [`formats`]: the forms the pull secret takes (plain, sealed, SOPS), behind one trait;
//! - [`filter`] and [`placement`]: the stream, and where the pull secrets go in it;
//! - [`output`], [`credentials`], [`sources`]: where the stream goes, what the pull secret is
//!   made from, which files are read;
//! - [`cli`], [`settings`], [`run`], [`app`]: the command line, resolved once into settings,
//!   run by the mode they name; [`argocd`] and [`kustomize`]: the plugin modes.

pub mod app;
pub mod argocd;
pub mod cli;
pub mod credentials;
pub mod diff;
pub mod edit;
pub mod error;
pub mod filter;
pub mod formats;
pub mod helm;
pub mod k8s;
pub mod kustomize;
pub mod output;
pub mod placement;
pub mod run;
pub mod seal;
pub mod settings;
pub mod sops;
pub mod sources;
pub mod write;
pub mod yaml;
