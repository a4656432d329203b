//! The demo catalogue: records describing the synthetic warehouse of a fictional French
//! hospital, loaded by `hublot-node demo`.

/// (file name, YAML text) of each demo record file.
pub const FILES: &[(&str, &str)] = &[("chu-demo.yaml", include_str!("../demo/chu-demo.yaml"))];
