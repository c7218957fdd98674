//! qos-ledger-node: the validator binary of the qos-ledger appchain.
//!
//! Aura authors blocks, GRANDPA finalises them, off-chain workers (with HTTP)
//! pull the monitors, and the state lives in ParityDB.
#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
