//! Kubernetes rules: which objects have pod specs, how a pod spec references a pull secret,
//! and what the pull Secret looks like. Nothing here reads or writes files.

pub mod inject;
pub mod kinds;
pub mod object;
pub mod redact;
pub mod rule_file;
mod rules_table;
pub mod secret;
