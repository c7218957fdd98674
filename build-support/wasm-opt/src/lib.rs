//! qos-ledger's stand-in for the `wasm-opt` crate (binaryen) in
//! `substrate-wasm-builder`.
//!
//! substrate-wasm-builder runs exactly two binaryen passes on the runtime,
//! both at optimisation level 0: `StripDwarf` (drop debug sections) and
//! `SignextLowering` (rewrite sign-extension instructions as MVP code, for
//! runtimes built for `wasm32-unknown-unknown` by newer compilers). The
//! qos-ledger runtime is built for `wasm32v1-none`, which never emits
//! sign-extension instructions, so the second pass has nothing to do; the
//! first is a walk over the module's sections. Building binaryen for them
//! is a C++ compile of about seven minutes on two cores, on the critical path
//! of every cold build of the node.
//!
//! This crate implements the API surface substrate-wasm-builder uses:
//! - `StripDwarf` drops every custom section whose name starts with
//!   `.debug`;
//! - `SignextLowering` checks the module's `target_features` section and
//!   refuses, with [`OptimizationError::SignExtUsed`], a module built with
//!   the `sign-ext` feature, instead of silently passing it on;
//! - every other pass, and the options that tune binaryen, are accepted and
//!   do nothing.
//!
//! The workspace `Cargo.toml` puts it in place with `[patch.crates-io]`.

use std::path::Path;

/// A binaryen pass. Only the passes substrate-wasm-builder asks for do
/// something here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pass {
	/// Remove DWARF debug sections.
	StripDwarf,
	/// Lower sign-extension instructions to MVP code (here: refuse a module
	/// that uses them).
	SignextLowering,
}

/// Why a module could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum OptimizationError {
	/// The input is not a well-formed Wasm module.
	#[error("Failed to validate wasm: error validating input: {0}")]
	ValidateWasmInput(String),
	/// The module was compiled with sign-extension instructions; build the
	/// runtime for `wasm32v1-none`.
	#[error("the module uses sign-ext instructions, which this build does not lower: build for wasm32v1-none")]
	SignExtUsed,
	/// Reading or writing a module failed.
	#[error("Failed to read or write wasm: {0}")]
	Io(#[from] std::io::Error),
}

/// The options substrate-wasm-builder builds before running the passes.
#[derive(Clone, Debug, Default)]
pub struct OptimizationOptions {
	passes: Vec<Pass>,
}

impl OptimizationOptions {
	/// Options for binaryen's `-O0`: no pass but those added.
	pub fn new_opt_level_0() -> Self {
		Self::default()
	}

	/// Adds `pass` to the passes to run.
	pub fn add_pass(&mut self, pass: Pass) -> &mut Self {
		self.passes.push(pass);
		self
	}

	/// Keeps debug info in binaryen; sections are kept here unless
	/// `StripDwarf` runs, so this has no effect.
	pub fn debug_info(&mut self, _keep: bool) -> &mut Self {
		self
	}

	/// Restricts binaryen to MVP features; `SignextLowering` enforces what
	/// matters of it here.
	pub fn mvp_features_only(&mut self) -> &mut Self {
		self
	}

	/// Runs the passes on the module in `infile` and writes the result to
	/// `outfile` (which may be the same file).
	pub fn run(&self, infile: impl AsRef<Path>, outfile: impl AsRef<Path>) -> Result<(), OptimizationError> {
		let input = std::fs::read(infile)?;
		let output = self.run_on(&input)?;
		std::fs::write(outfile, output)?;
		Ok(())
	}

	/// Runs the passes on `module` and returns the result.
	pub fn run_on(&self, module: &[u8]) -> Result<Vec<u8>, OptimizationError> {
		let sections = sections(module)?;
		if self.passes.contains(&Pass::SignextLowering) && uses_sign_ext(module, &sections)? {
			return Err(OptimizationError::SignExtUsed);
		}
		let strip_dwarf = self.passes.contains(&Pass::StripDwarf);
		let mut output = module[..HEADER.len()].to_vec();
		for section in &sections {
			if strip_dwarf && section.custom_name(module)?.is_some_and(|name| name.starts_with(b".debug")) {
				continue;
			}
			output.extend_from_slice(&module[section.start..section.end]);
		}
		Ok(output)
	}
}

/// `\0asm`, version 1.
const HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/// One section of a module: its id and where it lies, id byte included.
struct Section {
	id: u8,
	start: usize,
	payload: usize,
	end: usize,
}

impl Section {
	/// The name of a custom section (id 0), `None` for any other.
	fn custom_name<'a>(&self, module: &'a [u8]) -> Result<Option<&'a [u8]>, OptimizationError> {
		if self.id != 0 {
			return Ok(None);
		}
		let (len, at) = leb_u32(module, self.payload)?;
		let end = at.checked_add(len as usize).filter(|e| *e <= self.end).ok_or_else(|| invalid("custom name"))?;
		Ok(Some(&module[at..end]))
	}
}

fn invalid(what: &str) -> OptimizationError {
	OptimizationError::ValidateWasmInput(format!("malformed {what}"))
}

/// An unsigned LEB128 number at `at`, and the position after it.
fn leb_u32(bytes: &[u8], mut at: usize) -> Result<(u32, usize), OptimizationError> {
	let mut value: u64 = 0;
	for shift in (0..35).step_by(7) {
		let byte = *bytes.get(at).ok_or_else(|| invalid("LEB128 number"))?;
		at += 1;
		value |= u64::from(byte & 0x7f) << shift;
		if byte & 0x80 == 0 {
			return u32::try_from(value).map(|v| (v, at)).map_err(|_| invalid("LEB128 number"));
		}
	}
	Err(invalid("LEB128 number"))
}

fn sections(module: &[u8]) -> Result<Vec<Section>, OptimizationError> {
	if module.len() < HEADER.len() || module[..HEADER.len()] != HEADER {
		return Err(invalid("header"));
	}
	let mut sections = Vec::new();
	let mut at = HEADER.len();
	while at < module.len() {
		let id = module[at];
		let (size, payload) = leb_u32(module, at + 1)?;
		let end =
			payload.checked_add(size as usize).filter(|e| *e <= module.len()).ok_or_else(|| invalid("section size"))?;
		sections.push(Section { id, start: at, payload, end });
		at = end;
	}
	Ok(sections)
}

/// Whether the module's `target_features` section lists `sign-ext` as used
/// (`+`) or required (`=`).
fn uses_sign_ext(module: &[u8], sections: &[Section]) -> Result<bool, OptimizationError> {
	for section in sections {
		if section.custom_name(module)? != Some(b"target_features".as_slice()) {
			continue;
		}
		let (name_len, name_at) = leb_u32(module, section.payload)?;
		let (count, mut at) = leb_u32(module, name_at + name_len as usize)?;
		for _ in 0..count {
			let prefix = *module.get(at).ok_or_else(|| invalid("target_features"))?;
			let (len, name) = leb_u32(module, at + 1)?;
			let end = name
				.checked_add(len as usize)
				.filter(|e| *e <= section.end)
				.ok_or_else(|| invalid("target_features"))?;
			if &module[name..end] == b"sign-ext" && (prefix == b'+' || prefix == b'=') {
				return Ok(true);
			}
			at = end;
		}
	}
	Ok(false)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leb(mut n: u32) -> Vec<u8> {
		let mut out = Vec::new();
		loop {
			let byte = (n & 0x7f) as u8;
			n >>= 7;
			if n == 0 {
				out.push(byte);
				return out;
			}
			out.push(byte | 0x80);
		}
	}

	fn custom(name: &str, payload: &[u8]) -> Vec<u8> {
		let mut body = leb(name.len() as u32);
		body.extend_from_slice(name.as_bytes());
		body.extend_from_slice(payload);
		let mut section = vec![0];
		section.extend(leb(body.len() as u32));
		section.extend(body);
		section
	}

	fn features(list: &[(u8, &str)]) -> Vec<u8> {
		let mut payload = leb(list.len() as u32);
		for (prefix, name) in list {
			payload.push(*prefix);
			payload.extend(leb(name.len() as u32));
			payload.extend_from_slice(name.as_bytes());
		}
		custom("target_features", &payload)
	}

	/// A module with a type section, a DWARF section, a name section and
	/// its target features.
	fn module(feature_list: &[(u8, &str)]) -> Vec<u8> {
		let mut m = HEADER.to_vec();
		m.extend([1, 4, 1, 0x60, 0, 0]); // one type: () -> ()
		m.extend(custom(".debug_info", &[1, 2, 3]));
		m.extend(custom("name", &[0, 1, 0]));
		m.extend(features(feature_list));
		m
	}

	fn strip() -> OptimizationOptions {
		let mut options = OptimizationOptions::new_opt_level_0();
		options.mvp_features_only().debug_info(true).add_pass(Pass::StripDwarf).add_pass(Pass::SignextLowering);
		options
	}

	#[test]
	fn strip_dwarf_drops_debug_sections_and_keeps_the_rest_byte_for_byte() {
		let input = module(&[(b'+', "mutable-globals")]);
		let output = strip().run_on(&input).unwrap();
		let expected: Vec<u8> = HEADER
			.iter()
			.copied()
			.chain([1, 4, 1, 0x60, 0, 0])
			.chain(custom("name", &[0, 1, 0]))
			.chain(features(&[(b'+', "mutable-globals")]))
			.collect();
		assert_eq!(output, expected);
	}

	#[test]
	fn without_strip_dwarf_the_module_is_unchanged() {
		let input = module(&[(b'+', "mutable-globals")]);
		let mut options = OptimizationOptions::new_opt_level_0();
		options.add_pass(Pass::SignextLowering);
		assert_eq!(options.run_on(&input).unwrap(), input);
	}

	#[test]
	fn a_module_using_sign_ext_is_refused_not_passed_on() {
		for prefix in [b'+', b'='] {
			let input = module(&[(b'+', "mutable-globals"), (prefix, "sign-ext")]);
			assert!(matches!(strip().run_on(&input), Err(OptimizationError::SignExtUsed)));
		}
		// Disallowed (`-`) is not used.
		let input = module(&[(b'-', "sign-ext")]);
		assert!(strip().run_on(&input).is_ok());
	}

	#[test]
	fn malformed_modules_are_refused() {
		assert!(matches!(strip().run_on(b"not wasm"), Err(OptimizationError::ValidateWasmInput(_))));
		let mut truncated = module(&[]);
		truncated.truncate(truncated.len() - 2);
		assert!(matches!(strip().run_on(&truncated), Err(OptimizationError::ValidateWasmInput(_))));
	}

	#[test]
	fn run_reads_and_writes_files_in_place() {
		let dir = std::env::temp_dir().join(format!("wasm-opt-stand-in-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("runtime.wasm");
		std::fs::write(&path, module(&[])).unwrap();
		strip().run(&path, &path).unwrap();
		assert!(!std::fs::read(&path).unwrap().windows(6).any(|w| w == b".debug"));
		std::fs::remove_dir_all(dir).unwrap();
	}
}
