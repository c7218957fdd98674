//! Validation of monitor answers and report URLs.

use super::*;

fn expected() -> PeriodToRecord {
	PeriodToRecord { agreement: A, period: 2, window: window_of(2), monitors: vec![], retired: vec![] }
}

#[test]
fn answer_validation_names_each_fault() {
	use ocw::{validate_answer, MonitorFault};
	let p = expected();
	let report = good_report(&p, 3);
	let good = answer_body(&report, &CLIENT_KEY);
	assert_eq!(validate_answer(&good, &p, 3), Ok((report.clone(), tag_of(&CLIENT_KEY, &report))));
	assert_eq!(validate_answer(&good, &p, 4), Err(MonitorFault::Mismatch("instance")));

	let with = |field: &str, value: serde_json::Value| {
		let mut json: serde_json::Value = serde_json::from_slice(&good).unwrap();
		json[field] = value;
		json.to_string().into_bytes()
	};
	let mut extra = codec::Encode::encode(&report);
	extra.push(0);
	assert_eq!(
		validate_answer(&with("scale", format!("0x{}", hex::encode(&extra)).into()), &p, 3),
		Err(MonitorFault::Undecodable)
	);
	assert_eq!(validate_answer(&with("scale", "00".into()), &p, 3), Err(MonitorFault::Hex("scale")));
	assert_eq!(validate_answer(&with("tag", "0x1234".into()), &p, 3), Err(MonitorFault::Hex("tag")));
	assert_eq!(
		validate_answer(&with("report_hash", format!("0x{}", hex::encode([1u8; 32])).into()), &p, 3),
		Err(MonitorFault::HashMismatch)
	);
	let mut missing_report: serde_json::Value = serde_json::from_slice(&good).unwrap();
	missing_report.as_object_mut().unwrap().remove("report");
	assert!(matches!(validate_answer(missing_report.to_string().as_bytes(), &p, 3), Err(MonitorFault::Schema(_))));

	let mut other_period = report.clone();
	other_period.period = 1;
	assert_eq!(validate_answer(&answer_body(&other_period, &CLIENT_KEY), &p, 3), Err(MonitorFault::Mismatch("period")));
	let mut other_agreement = report.clone();
	other_agreement.agreement = A + 1;
	assert_eq!(
		validate_answer(&answer_body(&other_agreement, &CLIENT_KEY), &p, 3),
		Err(MonitorFault::Mismatch("agreement"))
	);
	let mut out_of_bounds = report;
	out_of_bounds.cpu_utilisation_permille = 2000;
	assert!(matches!(
		validate_answer(&answer_body(&out_of_bounds, &CLIENT_KEY), &p, 3),
		Err(MonitorFault::OutOfBounds(_))
	));
}

#[test]
fn report_urls_follow_the_monitor_api() {
	let p = expected();
	let monitor = qos_primitives::traits::MonitorEndpoint { instance: 3, url: b"http://10.0.0.5:9615/".to_vec() };
	assert_eq!(
		ocw::report_url(&monitor, &p).unwrap(),
		format!(
			"http://10.0.0.5:9615/v1/report?agreement={A}&period=2&from_ms={}&to_ms={}",
			p.window.from_ms, p.window.to_ms
		)
	);
	let bad = qos_primitives::traits::MonitorEndpoint { instance: 3, url: vec![0xff] };
	assert_eq!(ocw::report_url(&bad, &p), Err(ocw::MonitorFault::BadUrl));
}

#[test]
#[should_panic(expected = "accounting key mapped twice in genesis")]
fn genesis_refuses_a_key_mapped_twice() {
	use sp_runtime::BuildStorage;
	let _ = RuntimeGenesisConfig {
		system: Default::default(),
		metrics_blocks: crate::GenesisConfig {
			accounting_keys: vec![(aura("Alice"), acct("Alice")), (aura("Bob"), acct("Alice"))],
			..Default::default()
		},
	}
	.build_storage();
}
