//! Event extraction: what an analyst expects from short texts (commemorations and plans are
//! not events, the date of the event among several, short references, places).

use std::sync::OnceLock;

use entente_core::{DateValue, EventDraft, EventType, Lang, SourceId};
use entente_extract::{Extractor, Input};

fn extractor() -> &'static Extractor {
    static E: OnceLock<Extractor> = OnceLock::new();
    E.get_or_init(|| Extractor::bundled().expect("bundled extractor"))
}

fn events(text: &str, lang: &str, published: &str) -> Vec<EventDraft> {
    let text = entente_text::normalize(text);
    let lang: Lang = lang.parse().unwrap();
    let published: Option<DateValue> = Some(published.parse().unwrap());
    extractor()
        .extract(&Input {
            source_id: SourceId::of_text(&text),
            text: &text,
            lang: &lang,
            published,
        })
        .events
}

fn of(evs: &[EventDraft], kind: EventType) -> Vec<&EventDraft> {
    evs.iter().filter(|e| e.kind == kind).collect()
}

fn ids(e: &EventDraft) -> Vec<&str> {
    let mut v: Vec<&str> = e.participants.iter().map(|p| p.actor_id.as_str()).collect();
    v.sort();
    v
}

#[test]
fn commemorated_visit_is_not_a_visit() {
    let evs = events(
        "Meetings were held in Pyongyang on May 20 to mark the 10th anniversary of Kim Jong Il's visit to China.",
        "en",
        "2011-05-21",
    );
    assert!(of(&evs, EventType::Visit).is_empty(), "{evs:?}");
    let evs = events(
        "7月11日是《中朝友好合作互助条约》签订60周年纪念日。",
        "zh-Hans",
        "2021-07-12",
    );
    assert!(of(&evs, EventType::Agreement).is_empty(), "{evs:?}");
}

#[test]
fn attending_a_commemoration_is_an_event() {
    let evs = events(
        "Kim Jong Un attended the ceremony marking the 70th anniversary of the victory in Pyongyang on July 27.",
        "en",
        "2023-07-28",
    );
    assert_eq!(of(&evs, EventType::Attendance).len(), 1, "{evs:?}");
}

#[test]
fn invited_or_hoped_for_visit_is_not_a_visit() {
    let evs = events(
        "Shinzo Abe met Xi Jinping in Osaka on Thursday and invited Xi to make a state visit to Japan next spring.",
        "en",
        "2019-06-28",
    );
    assert!(of(&evs, EventType::Visit).is_empty(), "{evs:?}");
    assert_eq!(of(&evs, EventType::Meeting).len(), 1, "{evs:?}");
    let evs = events(
        "Путин выразил надежду, что Си Цзиньпин весной посетит Москву с государственным визитом.",
        "ru",
        "2022-12-31",
    );
    assert!(of(&evs, EventType::Visit).is_empty(), "{evs:?}");
}

#[test]
fn event_date_not_the_restated_date() {
    let evs = events(
        "石破茂首相は15日(日本時間16日)、ペルーの首都リマで中国の習近平国家主席と初めて会談した。",
        "ja",
        "2024-11-16",
    );
    let m = of(&evs, EventType::Meeting);
    assert_eq!(m.len(), 1, "{evs:?}");
    assert_eq!(m[0].date.unwrap().to_string(), "2024-11-15");
    assert_eq!(m[0].place.as_deref(), Some("lima"));
}

#[test]
fn since_date_dates_the_earlier_event() {
    let evs = events(
        "令和5年9月13日、ボストチヌイ宇宙基地で、ロシアのプーチン大統領と北朝鮮の金正恩総書記が会談した。両首脳の対面での会談は2019年4月以来、約4年5カ月ぶり。",
        "ja",
        "2023-09-14",
    );
    let mut dates: Vec<String> = of(&evs, EventType::Meeting)
        .iter()
        .map(|e| e.date.unwrap().to_string())
        .collect();
    dates.sort();
    assert_eq!(dates, ["2019-04", "2023-09-13"], "{evs:?}");
}

#[test]
fn family_name_refers_back() {
    let evs = events(
        "北朝鮮の金正恩委員長が25日から28日まで中国を訪問した。金氏は26日、北京の人民大会堂で習近平国家主席と会談した。",
        "ja",
        "2018-03-28",
    );
    let m = of(&evs, EventType::Meeting);
    assert_eq!(m.len(), 1, "{evs:?}");
    assert_eq!(ids(m[0]), ["Q15031", "Q56226"]);
    assert_eq!(m[0].date.unwrap().to_string(), "2018-03-26");
    let evs = events(
        "South Korean President Moon Jae-in met Vladimir Putin in Moscow. Moon arrived in Moscow on Thursday for a state visit.",
        "en",
        "2018-06-22",
    );
    let v = of(&evs, EventType::Visit);
    assert!(
        v.iter().any(|e| ids(e).contains(&"moon-jae-in")),
        "Moon is the visitor: {evs:?}"
    );
}

#[test]
fn family_name_of_someone_else_is_not_a_reference() {
    // "Kim Chol Ung" (not in the gazetteer) is not Kim Jong Un.
    let evs = events(
        "Kim Jong Un met Xi Jinping in Beijing on Tuesday. Kim Chol Ung met Wang Yi on Wednesday.",
        "en",
        "2018-05-10",
    );
    assert!(
        evs.iter()
            .all(|e| !(ids(e).contains(&"Q56226") && ids(e).contains(&"wang-yi"))),
        "{evs:?}"
    );
    assert_eq!(evs.len(), 1, "{evs:?}");
}

#[test]
fn most_specific_of_places_named_together() {
    let evs = events(
        "В четверг на острове Русский во Владивостоке прошли первые переговоры Владимира Путина с Ким Чен Ыном.",
        "ru",
        "2019-04-26",
    );
    let m = of(&evs, EventType::Meeting);
    assert_eq!(m.len(), 1, "{evs:?}");
    assert_eq!(m[0].place.as_deref(), Some("russky-island"));
}

#[test]
fn talks_by_video_are_a_call_only() {
    let evs = events(
        "Владимир Путин и Си Цзиньпин в пятницу провели переговоры в режиме видеоконференции.",
        "ru",
        "2022-12-31",
    );
    assert_eq!(of(&evs, EventType::Call).len(), 1, "{evs:?}");
    assert!(of(&evs, EventType::Meeting).is_empty(), "{evs:?}");
}

#[test]
fn possessor_of_another_event_is_not_a_participant() {
    let evs = events(
        "The visit followed Kim Jong Un's talks with Xi Jinping in Beijing on September 4 and Foreign Minister Choe Son Hui's trip to Beijing late last month.",
        "en",
        "2025-10-10",
    );
    let m = of(&evs, EventType::Meeting);
    assert_eq!(m.len(), 1, "{evs:?}");
    assert_eq!(ids(m[0]), ["Q15031", "Q56226"]);
}
