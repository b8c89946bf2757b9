use crate::harness::{note, start};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// 50 writers push for a few seconds while 3 pullers pull from their cursors: each
/// puller ends up with every change position exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_never_make_a_puller_skip_a_change() {
    let t = Arc::new(start().await);
    let lead = t.sign_in("lead").await;
    let cases: Vec<i64> = t
        .db()
        .await
        .query("SELECT id FROM cases WHERE status IN ('new', 'open', 'pending') ORDER BY id LIMIT 20", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));

    let mut pullers = vec![];
    for _ in 0..3 {
        let (t, lead, stop) = (t.clone(), lead.clone(), stop.clone());
        pullers.push(tokio::spawn(async move {
            let mut cursor = 0i64;
            let mut seen = vec![];
            loop {
                // Read the flag before pulling: the last pull starts after every writer ended.
                let last = stop.load(Ordering::SeqCst);
                let (status, page) = t.get(&format!("/v1/pull?cursor={cursor}&limit=50"), Some(&lead)).await;
                assert!(status.is_success(), "{page}");
                seen.extend(page["changes"].as_array().unwrap().iter().map(|c| c["pos"].as_i64().unwrap()));
                cursor = page["cursor"].as_i64().unwrap();
                if last && !page["more"].as_bool().unwrap() {
                    return seen;
                }
            }
        }));
    }

    let until = Instant::now() + Duration::from_secs(3);
    let mut writers = vec![];
    for w in 0..50 {
        let (t, lead, cases) = (t.clone(), lead.clone(), cases.clone());
        writers.push(tokio::spawn(async move {
            let mut seq = 0;
            while Instant::now() < until {
                seq += 1;
                let a = cases[(w + seq as usize) % cases.len()];
                let b = cases[(w * 7 + seq as usize) % cases.len()];
                let r = t.push(&lead, &format!("writer-{w}"), vec![note(seq, a, "x"), note(seq + 1, b, "y")]).await;
                assert_eq!(r["results"].as_array().unwrap().len(), 2);
                seq += 1;
            }
            seq
        }));
    }
    let mut pushed = 0;
    for w in writers {
        pushed += w.await.unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    let all: Vec<i64> = t
        .db()
        .await
        .query("SELECT pos FROM changes ORDER BY pos", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(pushed > 50, "the writers pushed only {pushed} mutations");
    for p in pullers {
        let seen = p.await.unwrap();
        assert_eq!(seen.len(), all.len(), "a puller saw {} changes of {}", seen.len(), all.len());
        assert_eq!(seen, all);
    }
}
