//! acr-inject: adds an Azure Container Registry pull secret to Kubernetes manifests while
//! keeping every other byte of them.
//!
//! The layers, each unaware of those above it:
//! - [`edit`]: byte-range insertions applied to untouched text;
//! - [`yaml`]: documents, a node tree with byte spans, and style-matching additions;
//! - [`k8s`]: which objects have pod specs, the reference, the kubectl-identical Secret;
//! - [`seal`]: the SealedSecret (kubeseal's hybrid encryption and manifest);
//! - [`filter`], [`output`], [`credentials`], [`sources`]: the stream, where it goes, what it is
//!   made from, which files it reads;
//! - [`cli`] and [`app`]: the command line.

pub mod app;
pub mod argocd;
pub mod cli;
pub mod credentials;
pub mod diff;
pub mod edit;
pub mod error;
pub mod filter;
pub mod k8s;
pub mod output;
pub mod run;
pub mod seal;
pub mod sources;
pub mod write;
pub mod yaml;
