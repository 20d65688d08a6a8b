//! nianbao: reads drafts of 政府信息公开工作年度报告, checks them against the format of
//! 国办公开办函〔2021〕30号 and computes fixes.
//!
//! The engine (`spec`, `text`, `parse`, `model`, `totals`, `edit`, `check`, `fix`, `draft`,
//! `settings`, `diag`, `ide`, `incremental`, `stats`) is plain data in, plain data out; the front ends
//! (`cli`, `server`) are the only modules that know about terminals or LSP.

pub mod check;
pub mod cli;
pub mod convert;
pub mod diag;
pub mod draft;
pub mod edit;
pub mod export;
pub mod extract;
pub mod fix;
pub mod format;
pub mod ide;
pub mod incremental;
pub mod input;
pub mod model;
pub mod parse;
pub mod prior;
pub mod server;
pub mod settings;
pub mod spec;
pub mod stats;
pub mod text;
pub mod totals;

/// The real reports the tests read (shared with the integration tests and the benchmarks).
#[cfg(test)]
#[path = "../tests/support/mod.rs"]
pub(crate) mod test_support;
