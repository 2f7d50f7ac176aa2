//! Shared code of the fuzz targets: the injector's invariants ([`check`]) and a small model of
//! manifest streams that `arbitrary` fills in and that renders itself to YAML text
//! ([`model`]). Kept out of `fuzz_targets/` so the targets stay a few lines each.

pub mod check;
pub mod model;
