//! Instances: fixed per agreement at its start, retired ones count as down
//! (threat 2), replaced ones swap their monitor from the next window, and
//! monitor URLs are base URLs with named errors (threat 8).

use super::*;
use crate::{ActiveInstances, Error, Instances};
use frame_support::assert_noop;
use qos_primitives::{sla::Indicator, sla::Verdict, traits::MonitorEndpoint};

fn add(service: u64, u: &str) -> sp_runtime::DispatchResult {
	Sla::add_instance(RuntimeOrigin::signed(OWNER), service, url(u))
}

fn pulled(agreement: AgreementId, period: PeriodIndex) -> Vec<InstanceId> {
	Sla::period_to_record(agreement, period).unwrap().monitors.iter().map(|m| m.instance).collect()
}

fn verdict(agreement: AgreementId, period: PeriodIndex) -> Verdict {
	Periods::<Test>::get(agreement, period).unwrap().verdict.unwrap()
}

#[test]
fn add_instance_stores_its_monitor_and_grows_the_deposit() {
	build_and_execute(|| {
		let service = service_with(0);
		let before = deposits(OWNER);
		assert_ok!(add(service, "https://b.example:9615/vm-1"));
		assert_eq!(
			last_event(),
			Event::InstanceAdded {
				service,
				instance: 0,
				monitor_url: url("https://b.example:9615/vm-1").try_into().unwrap()
			}
		);
		assert!(deposits(OWNER) > before);
		assert_eq!(ActiveInstances::<Test>::get(service).to_vec(), vec![0]);
		assert_eq!(
			Instances::<Test>::get(service, 0).unwrap().url_for(0).unwrap().to_vec(),
			url("https://b.example:9615/vm-1")
		);
	});
}

#[test]
fn monitor_urls_must_be_base_urls_refused_by_name() {
	build_and_execute(|| {
		let service = service_with(0);
		// Threat 8: a URL one byte over the bound gets a name, not a decoding trap.
		let long = format!("http://{}", "a".repeat(MAX_URL_LEN as usize - 6));
		assert_noop!(add(service, &long), Error::<Test>::UrlTooLong);
		// An owner ending the URL in `?` or `#` would make validators fetch a
		// URL of its choosing: refused.
		assert_noop!(add(service, "http://evil.example/steal?x="), Error::<Test>::UrlHasQueryOrFragment);
		assert_noop!(add(service, "http://10.0.0.5:9616#"), Error::<Test>::UrlHasQueryOrFragment);
		assert_noop!(add(service, ""), Error::<Test>::UrlEmpty);
		assert_noop!(add(service, "ftp://a"), Error::<Test>::UrlNotHttp);
		assert_noop!(add(service, "http:///x"), Error::<Test>::UrlNoHost);
		assert_noop!(add(service, "http://user:pw@a"), Error::<Test>::UrlHasCredentials);
		assert_noop!(add(service, "http://a:0"), Error::<Test>::UrlBadPort);
		assert_noop!(add(service, "http://a b"), Error::<Test>::UrlBadCharacter);
		assert_ok!(add(service, &format!("http://{}", "a".repeat(MAX_URL_LEN as usize - 7))));
	});
}

#[test]
fn add_instance_errors() {
	build_and_execute(|| {
		assert_noop!(add(0, "http://a"), Error::<Test>::ServiceNotFound);
		let service = service_with(0);
		assert_noop!(
			Sla::add_instance(RuntimeOrigin::signed(OTHER), service, url("http://a")),
			Error::<Test>::NotServiceOwner
		);
		for i in 0..qos_primitives::MAX_INSTANCES_PER_SERVICE {
			assert_ok!(add(service, &format!("http://{i}")));
		}
		assert_noop!(add(service, "http://one-too-many"), Error::<Test>::TooManyInstances);
		// A retired instance keeps its slot: retiring frees nothing.
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), service, 3));
		assert_noop!(add(service, "http://still-too-many"), Error::<Test>::TooManyInstances);
	});
}

#[test]
fn an_agreement_covers_the_instances_of_its_start_only() {
	build_and_execute(|| {
		let agreement = agreement_on(2, 2);
		assert_ok!(add(0, "http://added-later"));
		assert_eq!(info(agreement).instances.to_vec(), vec![0, 1]);
		assert_eq!(pulled(agreement, 0), vec![0, 1], "an instance added later is not pulled");
		settle_window(agreement, 0);
		record(agreement, 0);
		assert_eq!(verdict(agreement, 0), Verdict::Met, "nor expected");
	});
}

#[test]
fn retiring_the_instance_that_was_down_does_not_erase_the_breach() {
	build_and_execute(|| {
		let agreement = agreement_on(2, 2);
		settle_window(agreement, 0);
		// Instance 1 was down for the whole period; before the block is
		// recorded the owner retires it, hoping the verdict forgets it.
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 1));
		let due = Sla::period_to_record(agreement, 0).unwrap();
		assert_eq!(
			due.monitors,
			vec![
				MonitorEndpoint { instance: 0, url: url("http://10.0.0.0:9615") },
				MonitorEndpoint { instance: 1, url: url("http://10.0.0.1:9615") },
			],
			"retired after the window began: still pulled for it"
		);
		let reports = [report(agreement, 0, 0, 1000), report(agreement, 0, 1, 0)];
		record_reports(agreement, 0, &reports);
		let v = verdict(agreement, 0);
		assert_eq!(v.credit_percent(), 100, "availability 500 ‰: the breach stands");
		match v {
			Verdict::Breached { failing_instances, violated, .. } => {
				assert_eq!(failing_instances.to_vec(), vec![1]);
				assert_eq!(violated.to_vec(), vec![Indicator::Availability]);
			},
			Verdict::Met => panic!("breach erased"),
		}
		// Period 1 began before the retirement (5 s before): instance 1 is still
		// asked, and counts as down from its retirement on, however well it
		// reports: 1000 ‰ × 5/60 = 83 ‰, a mean of 541 ‰.
		settle_window(agreement, 1);
		let due = Sla::period_to_record(agreement, 1).unwrap();
		assert_eq!((pulled(agreement, 1), due.retired), (vec![0, 1], vec![]));
		record(agreement, 1);
		assert_eq!(verdict(agreement, 1).credit_percent(), 100);
	});
}

#[test]
fn retiring_every_instance_breaches_instead_of_meeting() {
	build_and_execute(|| {
		let agreement = agreement_on(2, 2);
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 0));
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 1));
		settle_window(agreement, 1);
		// Period 0 began before the retirement (same instant: retired at the
		// start counts as down for all of it); period 1 asks nobody.
		record_reports(agreement, 0, &[]);
		assert_eq!(verdict(agreement, 0).credit_percent(), 100);
		assert!(pulled(agreement, 1).is_empty());
		record_reports(agreement, 1, &[]);
		assert_eq!(verdict(agreement, 1).credit_percent(), 100, "no instance is no service");
	});
}

#[test]
fn an_instance_retired_mid_window_is_down_from_its_retirement() {
	build_and_execute(|| {
		let agreement = agreement_on(1, 1);
		// Retired after 59.5 of 60 seconds: 991 ‰ at most, a 10 % credit.
		NowMs::set(info(agreement).start_ms + 59_500);
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 0));
		assert_eq!(last_event(), Event::InstanceRetired { service: 0, instance: 0, at_ms: NowMs::get() });
		settle_window(agreement, 0);
		record(agreement, 0);
		assert_eq!(verdict(agreement, 0).credit_percent(), 10);
	});
}

#[test]
fn replace_instance_swaps_the_monitor_from_the_next_window() {
	build_and_execute(|| {
		let agreement = agreement_on(1, 3);
		// Halfway through period 0 the owner swaps the broken VM.
		NowMs::set(info(agreement).start_ms + PERIOD_MS / 2);
		assert_ok!(Sla::replace_instance(RuntimeOrigin::signed(OWNER), 0, 0, url("http://10.0.0.99:9615")));
		assert_eq!(
			last_event(),
			Event::InstanceReplaced {
				service: 0,
				instance: 0,
				monitor_url: url("http://10.0.0.99:9615").try_into().unwrap(),
				from_ms: NowMs::get()
			}
		);
		settle_window(agreement, 0);
		let url_of = |p| Sla::period_to_record(agreement, p).unwrap().monitors[0].url.clone();
		assert_eq!(url_of(0), url("http://10.0.0.0:9615"), "the window in progress keeps the old monitor");
		record(agreement, 0);
		assert_eq!(url_of(1), url("http://10.0.0.99:9615"), "the next window uses the new one");
		record(agreement, 1);
		assert_eq!(verdict(agreement, 1), Verdict::Met, "a replaced instance is not down");
	});
}

#[test]
fn replace_instance_errors() {
	build_and_execute(|| {
		let replace = |who, instance, u: &str| Sla::replace_instance(RuntimeOrigin::signed(who), 0, instance, url(u));
		assert_noop!(replace(OWNER, 0, "http://a"), Error::<Test>::ServiceNotFound);
		service_with(2);
		assert_noop!(replace(OTHER, 0, "http://a"), Error::<Test>::NotServiceOwner);
		assert_noop!(replace(OWNER, 7, "http://a"), Error::<Test>::InstanceNotFound);
		assert_noop!(replace(OWNER, 0, "http://a?"), Error::<Test>::UrlHasQueryOrFragment);
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 1));
		assert_noop!(replace(OWNER, 1, "http://a"), Error::<Test>::InstanceRetired);
		// Three replacements fill the history; a fourth must wait until the
		// oldest URL can no longer serve a window that is still open.
		for i in 0..3 {
			assert_ok!(replace(OWNER, 0, &format!("http://r{i}")));
		}
		assert_noop!(replace(OWNER, 0, "http://r3"), Error::<Test>::ReplacedTooRecently);
		NowMs::set(NowMs::get() + qos_primitives::MAX_REPORT_WINDOW_MS + REPORT_SETTLE_MS + RECORD_DEADLINE_MS);
		assert_ok!(replace(OWNER, 0, "http://r3"));
		let urls: Vec<Vec<u8>> =
			Instances::<Test>::get(0, 0).unwrap().monitor_urls.iter().map(|u| u.url.to_vec()).collect();
		assert_eq!(urls, vec![url("http://r0"), url("http://r1"), url("http://r2"), url("http://r3")]);
	});
}

#[test]
fn retire_instance_errors() {
	build_and_execute(|| {
		assert_noop!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 0), Error::<Test>::ServiceNotFound);
		service_with(1);
		assert_noop!(Sla::retire_instance(RuntimeOrigin::signed(OTHER), 0, 0), Error::<Test>::NotServiceOwner);
		assert_noop!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 1), Error::<Test>::InstanceNotFound);
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 0));
		assert_noop!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 0), Error::<Test>::InstanceRetired);
		assert!(ActiveInstances::<Test>::get(0).is_empty());
		// A service whose only instance is retired takes no agreement.
		assert_noop!(create(CLIENT, 0, 1), Error::<Test>::ServiceHasNoInstances);
	});
}
