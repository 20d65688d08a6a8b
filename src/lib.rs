//! nianbao: reads drafts of 政府信息公开工作年度报告, checks them against the format of
//! 国办公开办函〔2021〕30号 and computes fixes.
//!
//! The engine (`spec`, `text`, `parse`, `model`, `check`, `fix`) is plain data in, plain data out;
//! the front ends (`cli`, `server`) are the only modules that know about terminals or LSP.

pub mod check;
pub mod cli;
pub mod diag;
pub mod fix;
pub mod ide;
pub mod incremental;
pub mod model;
pub mod parse;
pub mod server;
pub mod spec;
pub mod text;
