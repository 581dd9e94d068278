use std::time::Duration;

use casetrail_ledger::{ExpectedVersion, Position};
use casetrail_testkit::{append_to, event, events, temp_ledger};
use futures_util::StreamExt;

/// Writers keep appending while the subscriber replays the stored part and switches to live
/// records: every position must arrive once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switch_from_replay_to_live_has_no_gap_and_no_duplicate() {
    let (_dir, ledger) = temp_ledger();
    ledger
        .append(append_to(
            "before",
            ExpectedVersion::Any,
            events("before", 1500),
        ))
        .await
        .unwrap();
    const WRITERS: usize = 8;
    const PER_WRITER: usize = 150;
    let total = 1500 + WRITERS * PER_WRITER;
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let ledger = ledger.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..PER_WRITER {
                let e = event(&format!("live-{w}-{i}"));
                ledger
                    .append(append_to(&format!("w{w}"), ExpectedVersion::Any, vec![e]))
                    .await
                    .unwrap();
                if i % 16 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        }));
    }
    let subscription = ledger.subscribe(Position(0));
    let received = tokio::time::timeout(
        Duration::from_secs(60),
        subscription.take(total).collect::<Vec<_>>(),
    )
    .await
    .expect("the subscription delivers every record");
    for w in writers {
        w.await.unwrap();
    }
    let positions: Vec<u64> = received
        .into_iter()
        .map(|r| r.unwrap().position.0)
        .collect();
    assert_eq!(positions, (0..total as u64).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_from_a_later_position_waits_for_new_records() {
    let (_dir, ledger) = temp_ledger();
    ledger
        .append(append_to("s", ExpectedVersion::Any, events("x", 5)))
        .await
        .unwrap();
    let mut sub = Box::pin(ledger.subscribe(Position(3)));
    assert_eq!(sub.next().await.unwrap().unwrap().position, Position(3));
    assert_eq!(sub.next().await.unwrap().unwrap().position, Position(4));
    let pending = tokio::time::timeout(Duration::from_millis(200), sub.next()).await;
    assert!(
        pending.is_err(),
        "nothing new was appended, so nothing may arrive"
    );
    let writer = ledger.clone();
    tokio::spawn(async move {
        writer
            .append(append_to("s", ExpectedVersion::Any, events("y", 1)))
            .await
            .unwrap();
    });
    let next = tokio::time::timeout(Duration::from_secs(10), sub.next())
        .await
        .unwrap();
    assert_eq!(next.unwrap().unwrap().position, Position(5));
}
