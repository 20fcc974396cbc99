//! The application layer without the binary: events, their review, the chronology and the
//! exchange counts over a data directory filled by the real extraction path.

mod accounts;
mod actors;
mod brief;
mod kb;
mod sources;
mod trade;
mod watch;

use std::path::Path;

use entente_core::{DateValue, Lang, NewSource, SourceId, minhash};
use entente_store::{OpenMode, Repo};

/// Stories written for these tests (real facts, our words), with their publication days.
pub const STORIES: &[(&str, &str, &str)] = &[
    (
        "Xi Jinping held talks with Vladimir Putin in Moscow on March 21, 2023.",
        "2023-03-22",
        "Xinhua",
    ),
    (
        "Kim Jong Un held talks with Vladimir Putin at the Vostochny Cosmodrome on September 13, 2023.",
        "2023-09-14",
        "KCNA",
    ),
    (
        "Vladimir Putin held talks with Kim Jong Un in Pyongyang on June 19, 2024.",
        "2024-06-20",
        "TASS",
    ),
];

fn source(text: &str, published: &str, outlet: &str) -> NewSource {
    let text = entente_text::normalize(text);
    let folded = entente_text::fold(&text.to_lowercase());
    NewSource {
        id: SourceId::of_text(&text),
        outlet: Some(outlet.to_string()),
        lang: Lang::En,
        lang_spans: vec![],
        published: Some(published.parse::<DateValue>().expect("date")),
        url: None,
        title: None,
        original_text: text.clone(),
        text,
        encoding: "UTF-8".into(),
        format: "text".into(),
        origin: format!("test:{outlet}"),
        minhash: minhash::signature(&folded),
    }
}

/// A data directory holding [`STORIES`], not extracted.
pub fn ingested(dir: &Path) {
    let repo = Repo::open(dir, OpenMode::ReadWrite).expect("open");
    for (text, published, outlet) in STORIES {
        repo.add(&source(text, published, outlet)).expect("add");
    }
    repo.flush().expect("flush");
}

/// A data directory holding [`STORIES`], extracted (by the library path, not the app's).
pub fn filled(dir: &Path) {
    ingested(dir);
    let repo = Repo::open(dir, OpenMode::ReadWrite).expect("open");
    let bundled = entente_extract::gazetteer::Gazetteer::bundled().expect("gazetteer");
    entente_extract::run::sync_bundled_actors(repo.store(), &bundled).expect("actors");
    let gaz = entente_extract::run::gazetteer_for(repo.store()).expect("gazetteer");
    let lexicon = entente_extract::lexicon::Lexicon::bundled().expect("lexicon");
    let ex = entente_extract::Extractor::new(gaz, lexicon);
    let run = entente_extract::run::extract_sources(
        repo.store(),
        &ex,
        &[],
        false,
        &Default::default(),
        &mut |_, _| {},
    )
    .expect("extract");
    assert!(run.failed.is_empty(), "{:?}", run.failed);
    repo.flush().expect("flush");
}

/// One tokio runtime for the tests' trade queries (the app owns none).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("runtime")
    })
}

/// The tests' analyst at a terminal.
pub fn who() -> entente_app::Principal {
    entente_app::Principal::local("test")
}
