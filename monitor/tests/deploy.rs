//! The deployment recipes in `monitor/deploy/` are checked by the tools that
//! run them, where this machine has them.

use std::{path::Path, process::Command};

/// `systemd-analyze verify` on the unit, with `ExecStart` pointed at the
/// binary under test (verify insists that the command exists). Its warnings
/// (an unknown or misspelt directive, a bad value) fail the test too: systemd
/// would ignore those lines and run the service without them.
#[test]
fn the_systemd_unit_verifies_without_a_warning() {
	let analyze = Path::new("/usr/bin/systemd-analyze");
	if !analyze.exists() {
		eprintln!("skipped: no systemd-analyze on this machine to verify monitor/deploy/qos-monitor.service");
		return;
	}
	let unit = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/qos-monitor.service")).unwrap();
	assert!(unit.contains("ExecStart=/usr/local/bin/qos-monitor "), "the unit runs the installed binary");
	for hardening in [
		"DynamicUser=yes",
		"LoadCredential=client.key:",
		"--key-file %d/client.key",
		"StateDirectory=qos-monitor",
		"After=time-sync.target",
		"LimitCORE=0",
		"NoNewPrivileges=yes",
		"ExecReload=/bin/kill -HUP $MAINPID",
	] {
		assert!(unit.contains(hardening), "the unit has {hardening}");
	}
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("qos-monitor.service");
	std::fs::write(&path, unit.replace("/usr/local/bin/qos-monitor", env!("CARGO_BIN_EXE_qos-monitor"))).unwrap();
	let out = Command::new(analyze).arg("verify").arg(&path).output().unwrap();
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(out.status.success(), "systemd-analyze verify failed: {stderr}");
	let about_the_unit: Vec<&str> = stderr.lines().filter(|l| l.contains("qos-monitor.service")).collect();
	assert!(about_the_unit.is_empty(), "systemd-analyze warns about the unit: {about_the_unit:?}");
}
