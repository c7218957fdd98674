use sc_cli::RunCmd;

/// Sub-commands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: `key insert` puts a validator's `aura`, `gran` or `acct` key into its keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (use `--chain local` and `--raw` for a shared testnet).
	#[allow(deprecated)]
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of the chain the node would run.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Benchmark the runtime's pallets (needs the `runtime-benchmarks` feature).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

/// Command-line interface of `qos-ledger-node`.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,
}
