//! `hublot-connector`: the national hub that federates Hublot nodes and connects them to
//! HealthData@EU. This first version only identifies itself; the hub's capabilities
//! (node registry over mTLS, federated catalogue, access requests, studies, upward
//! publication) arrive as their own crates under `connector/crates/`.

use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    name = "hublot-connector",
    version,
    about = "Hublot connector: the national hub federating Hublot nodes and publishing to HealthData@EU"
)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
    println!("hublot-connector {}", env!("CARGO_PKG_VERSION"));
}
