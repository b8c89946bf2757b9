//! The layout rules of ARCHITECTURE.md that a machine can check.

use std::path::Path;

fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
        }
    }
    out
}

fn src(part: &str) -> Vec<(String, String)> {
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(part))
}

#[test]
fn the_http_layer_holds_no_sql() {
    for (file, text) in src("http") {
        for word in ["SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "pg_notify"] {
            assert!(
                !text.contains(word),
                "{file} contains `{word}`: SQL belongs in domain/, ingest/, outbound/ or db/"
            );
        }
    }
}

#[test]
fn only_the_http_layer_knows_axum_and_its_state() {
    for part in ["domain", "db", "ingest", "outbound"] {
        for (file, text) in src(part) {
            assert!(!text.contains("axum"), "{file} uses axum: only http/ does");
            assert!(!text.contains("AppState"), "{file} takes the HTTP state: pass a pool or a transaction");
        }
    }
}

#[test]
fn the_db_layer_depends_on_nothing_above_it() {
    for (file, text) in src("db") {
        for above in ["crate::http", "crate::domain", "crate::ingest", "crate::outbound"] {
            assert!(!text.contains(above), "{file} uses {above}: db/ is the bottom layer");
        }
    }
}
