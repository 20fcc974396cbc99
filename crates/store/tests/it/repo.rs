use entente_core::Lang;
use entente_store::{OpenMode, Repo, SearchQuery, SortOrder, SqliteStore, Store};

use crate::source;

fn repo_with(docs: &[entente_core::NewSource]) -> (tempfile::TempDir, Repo) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
    for d in docs {
        repo.add(d).unwrap();
    }
    repo.flush().unwrap();
    (dir, repo)
}

fn corpus() -> Vec<entente_core::NewSource> {
    vec![
        source(
            "北朝鮮の金正恩総書記は9月13日、プーチン大統領と会談した。",
            Lang::Ja,
            Some("2023-09-13"),
            "NHK",
        ),
        source(
            "朝鲜劳动党总书记金正恩同俄罗斯总统普京举行会谈。",
            Lang::ZhHans,
            Some("2023-09-14"),
            "Xinhua",
        ),
        source(
            "習近平主席與普京總統在莫斯科舉行會談，推進全面戰略協作。",
            Lang::ZhHant,
            Some("2023-03-21"),
            "CNA",
        ),
        source(
            "习近平主席同普京总统在莫斯科举行会谈，推进全面战略协作。",
            Lang::ZhHans,
            Some("2023-03-22"),
            "Xinhua",
        ),
        source(
            "김정은 국무위원장은 푸틴 대통령과 회담하였다.",
            Lang::Ko,
            Some("2023-09-13"),
            "Yonhap",
        ),
        source(
            "Лавров заявил о подготовке переговоров на высшем уровне.",
            Lang::Ru,
            Some("2024-06-01"),
            "TASS",
        ),
        source(
            "The two leaders signed a treaty on comprehensive strategic partnership in Pyongyang.",
            Lang::En,
            Some("2024-06-19"),
            "KCNA",
        ),
        source(
            "Strategic talks: the partnership was comprehensive, officials said, without a treaty.",
            Lang::En,
            None,
            "Yonhap",
        ),
        source(
            "社会主义建设和党的领导。",
            Lang::ZhHans,
            Some("2025"),
            "People's Daily",
        ),
        source(
            "社会主義の建設と党の指導。",
            Lang::Ja,
            Some("2025-01"),
            "NHK",
        ),
    ]
}

fn ids(repo: &Repo, q: SearchQuery) -> Vec<String> {
    let (uncounted, none) = repo
        .search(&SearchQuery {
            limit: 50,
            count: false,
            ..q.clone()
        })
        .unwrap();
    let (hits, total) = repo
        .search(&SearchQuery {
            limit: 50,
            count: true,
            ..q
        })
        .unwrap();
    assert_eq!(hits.len(), total.unwrap().min(50));
    assert_eq!(none, None);
    assert_eq!(uncounted.len(), hits.len());
    hits.iter()
        .map(|h| h.outlet.clone().unwrap_or_default() + ":" + &h.lang)
        .collect()
}

fn text(q: &str) -> SearchQuery {
    SearchQuery {
        text: q.into(),
        ..Default::default()
    }
}

#[test]
fn cjk_grams_find_names_across_languages() {
    let (_d, repo) = repo_with(&corpus());
    let kim = ids(&repo, text("金正恩"));
    assert_eq!(kim.len(), 2, "{kim:?}");
    assert_eq!(ids(&repo, text("김정은")), vec!["Yonhap:ko"]);
    // Folding: simplified query finds traditional text and vice versa; 主义 meets 主義.
    assert_eq!(ids(&repo, text("习近平")).len(), 2);
    assert_eq!(ids(&repo, text("習近平")).len(), 2);
    assert_eq!(ids(&repo, text("社会主義")).len(), 2);
    // A one-character query works as a prefix over the grams that start with it.
    assert_eq!(ids(&repo, text("党")).len(), 3, "劳动党, 党的, 党の");
    // Bigrams must be contiguous: 金恩 is not a substring anywhere.
    assert!(ids(&repo, text("金恩")).is_empty());
}

#[test]
fn stemming_phrases_and_boolean_operators() {
    let (_d, repo) = repo_with(&corpus());
    assert_eq!(
        ids(&repo, text("переговоры")),
        vec!["TASS:ru"],
        "stemmed Russian"
    );
    assert_eq!(ids(&repo, text("partnerships")).len(), 2, "stemmed English");
    assert_eq!(
        ids(&repo, text("\"comprehensive strategic partnership\"")),
        vec!["KCNA:en"]
    );
    assert!(
        ids(&repo, text("partnership NOT treaty")).is_empty(),
        "both mention a treaty"
    );
    assert_eq!(
        ids(&repo, text("partnership -Pyongyang")),
        vec!["Yonhap:en"]
    );
    assert_eq!(ids(&repo, text("Pyongyang OR Лавров")).len(), 2);
    let err = repo
        .search(&text("nosuchfield:abc"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("nosuchfield:abc"),
        "the error names the query: {err}"
    );
}

#[test]
fn filters_and_sorting() {
    let (_d, repo) = repo_with(&corpus());
    let zh = ids(
        &repo,
        SearchQuery {
            text: "会谈".into(),
            langs: vec!["zh".into()],
            ..Default::default()
        },
    );
    assert_eq!(zh.len(), 3, "zh selects both scripts: {zh:?}");
    let hant = ids(
        &repo,
        SearchQuery {
            text: "会谈".into(),
            langs: vec!["zh-Hant".into()],
            ..Default::default()
        },
    );
    assert_eq!(hant, vec!["CNA:zh-Hant"]);
    let xinhua = ids(
        &repo,
        SearchQuery {
            text: "普京".into(),
            outlets: vec!["xinhua".into()],
            ..Default::default()
        },
    );
    assert_eq!(xinhua.len(), 2);
    let sept = SearchQuery {
        text: "".into(),
        from: Some("2023-09".parse().unwrap()),
        to: Some("2023-09".parse().unwrap()),
        sort: SortOrder::OldestFirst,
        ..Default::default()
    };
    let (hits, total) = repo
        .search(&SearchQuery {
            limit: 10,
            count: true,
            ..sept
        })
        .unwrap();
    assert_eq!(total, Some(3));
    let dates: Vec<_> = hits.iter().map(|h| h.published.clone().unwrap()).collect();
    assert_eq!(dates, vec!["2023-09-13", "2023-09-13", "2023-09-14"]);
    // Undated sources are excluded by a date filter.
    let undated = ids(
        &repo,
        SearchQuery {
            text: "partnership".into(),
            from: Some("1900".parse().unwrap()),
            ..Default::default()
        },
    );
    assert_eq!(undated, vec!["KCNA:en"]);
    let newest = repo
        .search(&SearchQuery {
            text: "会谈".into(),
            sort: SortOrder::NewestFirst,
            limit: 1,
            ..Default::default()
        })
        .unwrap()
        .0;
    assert_eq!(newest[0].published.as_deref(), Some("2023-09-14"));
    assert!(
        repo.search(&SearchQuery {
            text: "".into(),
            ..Default::default()
        })
        .is_err(),
        "empty query without filters"
    );
    assert!(
        repo.search(&SearchQuery {
            text: "x".into(),
            langs: vec!["english!!".into()],
            ..Default::default()
        })
        .is_err()
    );
}

#[test]
fn snippets_highlight_the_match() {
    let (_d, repo) = repo_with(&corpus());
    let (hits, _) = repo
        .search(&SearchQuery {
            text: "\"strategic partnership\"".into(),
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert!(
        hits[0].snippet.contains("<b>strategic partnership</b>"),
        "{}",
        hits[0].snippet
    );
    let (hits, _) = repo
        .search(&SearchQuery {
            text: "金正恩".into(),
            langs: vec!["ja".into()],
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert!(
        hits[0].snippet.contains("<b>金正恩</b>"),
        "{}",
        hits[0].snippet
    );
}

#[test]
fn snippets_find_matches_late_in_long_texts() {
    // Matches after several kilobytes of other text, in a variant form, a Russian word with ё,
    // and an English word whose stem is not a prefix of it (happy → happi).
    let filler_en = "The delegation toured a factory and a farm in the afternoon. ".repeat(60);
    let filler_zh = "代表团下午参观了工厂和农场。".repeat(120);
    let filler_ru = "Делегация посетила завод и ферму во второй половине дня. ".repeat(50);
    let docs = vec![
        source(
            &format!("{filler_zh}\n\n國家主席習近平在北京會見了來訪的客人。"),
            Lang::ZhHant,
            None,
            "Xinhua",
        ),
        source(
            &format!(
                "{filler_ru}\n\nСтороны приняли совместное заявление о её итогах и партнёрстве."
            ),
            Lang::Ru,
            None,
            "TASS",
        ),
        source(
            &format!("{filler_en}\n\nBoth sides said they were happy with the outcome."),
            Lang::En,
            None,
            "Yonhap",
        ),
    ];
    let (_d, repo) = repo_with(&docs);
    for (q, want) in [
        ("习近平", "<b>習近平</b>"),
        ("партнерстве", "<b>партнёрстве</b>"),
        ("happy", "<b>happy</b>"),
    ] {
        let (hits, _) = repo
            .search(&SearchQuery {
                text: q.into(),
                limit: 1,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(hits.len(), 1, "{q}");
        assert!(hits[0].snippet.contains(want), "{q}: {}", hits[0].snippet);
    }
}

#[test]
fn reopening_catches_up_sources_the_index_missed() {
    let dir = tempfile::tempdir().unwrap();
    {
        let repo = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
        repo.add(&corpus()[0]).unwrap();
        repo.flush().unwrap();
    }
    // Simulate a crash after the store committed but before the index did.
    {
        let store = SqliteStore::open(&dir.path().join(Repo::DB_FILE)).unwrap();
        for d in &corpus()[1..] {
            store.put_source(d).unwrap();
        }
    }
    let ro = Repo::open(dir.path(), OpenMode::ReadOnly).unwrap();
    assert_eq!(ro.index_lag().unwrap(), 9);
    drop(ro);
    let repo = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
    assert_eq!(repo.index_lag().unwrap(), 0);
    assert_eq!(repo.index().num_docs(), 10);
    assert!(repo.doctor(false).unwrap().healthy());
}

#[test]
fn doctor_finds_and_repairs_disagreement() {
    let (dir, mut repo) = repo_with(&corpus());
    // Remove two documents from the index behind the store's back.
    let gone = [corpus()[2].id, corpus()[5].id];
    drop(repo);
    {
        let index =
            entente_store::SearchIndex::open(&dir.path().join(Repo::INDEX_DIR), true).unwrap();
        for id in &gone {
            index.delete(id).unwrap();
        }
        index.commit().unwrap();
    }
    repo = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
    let report = repo.doctor(false).unwrap();
    assert!(!report.healthy());
    let mut missing = report.missing_from_index.clone();
    missing.sort();
    let mut expected = gone.to_vec();
    expected.sort();
    assert_eq!(missing, expected);
    let fixed = repo.doctor(true).unwrap();
    assert!(fixed.repaired);
    assert!(repo.doctor(false).unwrap().healthy());
    assert_eq!(ids(&repo, text("переговоры")), vec!["TASS:ru"]);
}

#[test]
fn a_second_writer_is_refused_but_readers_are_not() {
    let (dir, _writer) = repo_with(&corpus());
    // It opens (it may only edit events), but indexing is refused while the first holds the
    // index; what it stored stays queued for the index's holder.
    let second = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
    let late = source("A late article about a delegation.", Lang::En, None, "TASS");
    let err = second.add(&late).unwrap_err().to_string();
    assert!(err.contains("another entente process"), "{err}");
    assert!(second.store().get_source(&late.id).unwrap().is_some());
    drop(second);
    _writer.flush().unwrap();
    assert_eq!(_writer.index().num_docs(), 11, "the holder indexed it");
    let reader = Repo::open(dir.path(), OpenMode::ReadOnly).unwrap();
    assert_eq!(reader.store().count_sources().unwrap(), 11);
}

#[test]
fn month_outlet_counts_tally_matches_and_volume_from_fast_fields() {
    let mut docs = corpus();
    let mut undated = source("金正恩 会谈 无日期的报道。", Lang::ZhHans, None, "Xinhua");
    undated.outlet = None;
    docs.push(undated);
    let (_d, repo) = repo_with(&docs);
    let all = repo.index().month_outlet_counts(None).unwrap();
    assert_eq!(all.iter().map(|c| c.docs).sum::<u64>(), docs.len() as u64);
    // The undated, outlet-less source is counted once, with neither.
    assert!(
        all.iter()
            .any(|c| c.month.is_none() && c.outlet.is_none() && c.docs == 1)
    );
    let sept = chrono::NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
    let nhk_sept = all
        .iter()
        .find(|c| c.month == Some(sept) && c.outlet.as_deref() == Some("NHK"))
        .unwrap();
    assert!(nhk_sept.docs >= 1);
    // Matches of a query: only the documents that contain it, by month and outlet.
    let m = repo
        .index()
        .month_outlet_counts(Some(&text("金正恩")))
        .unwrap();
    let total: u64 = m.iter().map(|c| c.docs).sum();
    let expected = repo
        .search(&SearchQuery {
            count: true,
            ..text("金正恩")
        })
        .unwrap()
        .1
        .unwrap();
    assert_eq!(total as usize, expected);
    for c in &m {
        let v = all
            .iter()
            .find(|a| a.month == c.month && a.outlet == c.outlet)
            .unwrap();
        assert!(c.docs <= v.docs);
    }
}

#[test]
fn equal_scores_come_in_ingest_order_on_every_page() {
    // Twenty sources that score the same for "zebra", each committed on its own so the index
    // holds many segments (whose order is not the ingest order).
    let words = [
        "aardvark", "badger", "camel", "dingo", "eland", "ferret", "gibbon", "heron", "ibis",
        "jackal", "koala", "lemur", "marmot", "newt", "ocelot", "puffin", "quokka", "raven",
        "stoat", "tapir",
    ];
    let dir = tempfile::tempdir().unwrap();
    let repo = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
    let mut expected = Vec::new();
    for w in words {
        let s = source(&format!("zebra {w}"), Lang::En, Some("2025-01-01"), "Test");
        expected.push(s.id.to_hex());
        repo.add(&s).unwrap();
        repo.flush().unwrap();
    }
    let page = |offset: usize| -> Vec<String> {
        let (hits, _) = repo
            .search(&SearchQuery {
                text: "zebra".into(),
                limit: 7,
                offset,
                ..Default::default()
            })
            .unwrap();
        hits.iter().map(|h| h.source_id.to_hex()).collect()
    };
    let all: Vec<String> = [0, 7, 14].into_iter().flat_map(page).collect();
    assert_eq!(all, expected);
}

/// A data directory from before the outbox: migration 5 queues every stored source, and the
/// first writable open replays the queue. Documents the index already held are replaced, not
/// added twice, and the queue ends empty.
#[test]
fn replaying_the_outbox_never_indexes_a_document_twice() {
    let (dir, repo) = repo_with(&corpus());
    let n = repo.index().num_docs();
    assert_eq!(repo.index_lag().unwrap(), 0, "a flush empties the queue");
    drop(repo);
    {
        // What migration 5 does to a store whose index is already complete.
        let conn = rusqlite::Connection::open(dir.path().join(Repo::DB_FILE)).unwrap();
        conn.execute_batch(
            "INSERT INTO index_outbox(source_id) SELECT id FROM sources ORDER BY seq",
        )
        .unwrap();
    }
    let ro = Repo::open(dir.path(), OpenMode::ReadOnly).unwrap();
    assert_eq!(ro.index_lag().unwrap() as u64, n);
    drop(ro);
    let repo = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
    assert_eq!(repo.index_lag().unwrap(), 0);
    assert_eq!(repo.index().num_docs(), n, "replayed, not duplicated");
    let report = repo.doctor(false).unwrap();
    assert!(report.healthy(), "{report:?}");
    assert_eq!(report.waiting_for_index, 0);
}

/// A lost index directory is rebuilt from the store on the next writable open; a writable
/// open that never writes takes no index lock (a second one opens and indexes beside it).
#[test]
fn a_lost_index_is_rebuilt_and_the_writer_lock_is_taken_only_to_write() {
    let (dir, repo) = repo_with(&corpus());
    let n = repo.index().num_docs();
    drop(repo);
    std::fs::remove_dir_all(dir.path().join(Repo::INDEX_DIR)).unwrap();
    // A reader comes first and finds an empty index; the next writer still rebuilds it.
    let reader = Repo::open(dir.path(), OpenMode::ReadOnly).unwrap();
    assert_eq!(reader.index().num_docs(), 0);
    drop(reader);
    let rebuilt = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
    assert_eq!(rebuilt.index().num_docs(), n);
    assert_eq!(rebuilt.index_lag().unwrap(), 0);
    drop(rebuilt);
    let first = Repo::open(dir.path(), OpenMode::ReadWrite).unwrap();
    let second =
        Repo::open(dir.path(), OpenMode::ReadWrite).expect("no lock taken by an idle writer");
    let extra = source("A new article about a delegation.", Lang::En, None, "TASS");
    second.add(&extra).unwrap();
    second.flush().unwrap();
    let err = first
        .add(&source("Another one about talks.", Lang::En, None, "TASS"))
        .unwrap_err();
    assert!(err.is_busy(), "{err}");
}
