use entente_trade::hs::{Concordance, rollup, section};
use entente_trade::{Flow, Nomenclature, Period, Scope};

use crate::common::{loaded, shared};

#[test]
fn rollups_and_sections() {
    let r = rollup("85171300");
    assert_eq!(r.hs6.as_deref(), Some("851713"));
    assert_eq!(r.hs4.as_deref(), Some("8517"));
    assert_eq!(r.hs2.as_deref(), Some("85"));
    assert_eq!(r.section.as_deref(), Some("XVI"));
    assert_eq!(section("27"), Some("V"));
    assert_eq!(section("97"), Some("XXI"));
    assert_eq!(section("77"), None);
}

#[test]
fn concordance_groups_edition_changes() {
    let c = Concordance::bundled().unwrap();
    assert_eq!(c.harmonize("85171200"), c.harmonize("85171300"));
    assert_eq!(c.harmonize("851714"), "8517.12");
    assert_eq!(c.harmonize("69089000"), c.harmonize("69072100"));
    assert_eq!(c.harmonize("15079000"), "15079000");
    let bad = Concordance::parse(
        "group,edition,code,note\ng,HS1999,8517,x\n",
        std::path::Path::new("c.csv"),
    );
    assert!(bad.unwrap_err().to_string().contains("edition"));
}

#[test]
fn labels_from_real_lists_with_fallback() {
    let (Some(hs), Some(zh), Some(en), Some(gb)) = (
        shared("hs-nomenclature-datasets/harmonized-system.csv"),
        shared("china-customs-codes-chinautils/zh-hs8-2022.csv"),
        shared("china-customs-codes-chinautils/en-hs8-2022.csv"),
        shared("china-customs-codes-chinautils/raw-gb18030/zh-hs8-2023.gb18030.csv"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut n = Nomenclature::load(dir.path()).unwrap();
    assert!(n.is_empty());
    let r = n.import_file(&hs).unwrap();
    assert_eq!(r.kind, "hs");
    assert!(r.labels > 6900, "{r:?}");
    if let Some(sections) = shared("hs-nomenclature-datasets/sections.csv") {
        assert_eq!(n.import_file(&sections).unwrap().labels, 21);
        assert!(n.label("XVI", "en").is_some());
    }
    assert_eq!(n.import_file(&zh).unwrap().lang, "zh");
    assert_eq!(n.import_file(&en).unwrap().lang, "en");
    let g = n.import_file(&gb).unwrap();
    assert!(g.labels > 8000, "{g:?}");
    assert_eq!(
        n.label("0101", "en").as_deref(),
        Some("Horses, asses, mules and hinnies; live")
    );
    assert_eq!(n.label("01012100", "zh").as_deref(), Some("改良种用马"));
    // No Japanese list: ja falls back to Chinese; HS4 has no Chinese label, so English.
    assert_eq!(n.label("01012100", "ja").as_deref(), Some("改良种用马"));
    assert_eq!(
        n.label("0101", "zh").as_deref(),
        Some("Horses, asses, mules and hinnies; live")
    );
    n.save().unwrap();
    let back = Nomenclature::load(dir.path()).unwrap();
    assert_eq!(back.len(), n.len());
}

#[test]
fn top_uses_labels_when_imported() {
    let Some(hs) = shared("hs-nomenclature-datasets/harmonized-system.csv") else {
        return;
    };
    let (_d, s) = loaded();
    let mut n = s.nomenclature().unwrap();
    n.import_file(&hs).unwrap();
    n.save().unwrap();
    let n = s.nomenclature().unwrap();
    let mut sc = Scope::new("CN", "KP");
    sc.flow = Some(Flow::Export);
    sc.from = Some(Period::month(2025, 1));
    sc.to = Some(Period::month(2025, 10));
    let rows = s.top(&sc, 4, 2, None, Some((&n, "en"))).unwrap();
    assert!(
        rows[0]
            .label
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
            .contains("soya"),
        "{rows:?}"
    );
}

#[test]
fn not_a_nomenclature_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = Nomenclature::load(dir.path()).unwrap();
    let e = n
        .import_file(&crate::common::fixture("canonical.csv"))
        .unwrap_err();
    assert!(e.to_string().contains("not a nomenclature file"), "{e}");
}
