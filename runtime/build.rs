fn main() {
	#[cfg(feature = "std")]
	{
		// The target directory lives outside the repository, where
		// substrate-wasm-builder cannot find the workspace's Cargo.lock by
		// walking up from OUT_DIR: name the workspace, so the Wasm runtime is
		// built with the locked versions. Set here rather than in
		// .cargo/config.toml, which would also apply it to the runtimes of
		// other crates (polkadot-sdk's test runtimes) and break their builds.
		let workspace =
			std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("runtime/ is in the workspace");
		std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}
