//! Lossless YAML: find documents, read their structure with byte positions, and write
//! additions that match the text around them. Nothing here knows about Kubernetes.

mod error;
pub mod insert;
pub mod key_order;
pub mod scalar;
pub mod skim;
pub mod split;
pub mod tree;

pub use error::Error;
