//! The backend conformance suite on SQLite: a file database per test (WAL, several
//! connections), as a data directory has.

use entente_store::SqliteStore;
use entente_store::conformance::Opener;

fn sqlite() -> Opener {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kb.sqlite");
    Opener::new(move || {
        let _keep = &dir;
        Box::new(SqliteStore::open(&path).expect("open the test database"))
    })
}

entente_store::store_conformance!(sqlite);
