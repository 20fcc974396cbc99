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
        "Kim Jong Un attended the ceremony marking the 70th anniversary of the victory in Pyongyang on July 27 with Sergei Shoigu.",
        "en",
        "2023-07-28",
    );
    assert_eq!(of(&evs, EventType::Attendance).len(), 1, "{evs:?}");
}

/// Only events between states are reported: a state's people at home, with nobody and
/// nothing from abroad in the sentence, are its home affairs.
#[test]
fn home_affairs_are_no_events_between_states() {
    for (text, lang, date) in [
        // Rodong Sinmun: a leader and his officials at a ceremony, at a tower.
        (
            "Kim Jong Un attended the ceremony marking the 70th anniversary of the victory in Pyongyang on July 27.",
            "en",
            "2023-07-28",
        ),
        (
            "Kim Jong Un visited the Friendship Tower on July 27 with Choe Son Hui.",
            "en",
            "2022-07-28",
        ),
        // KCNA: "President Vladimir Putin and Prime Minister Dmitri Medvedev met him
        // respectively": the two Russians did not meet each other.
        (
            "President Vladimir Putin and Prime Minister Dmitry Medvedev met him respectively in Moscow on Monday.",
            "en",
            "2012-11-28",
        ),
        (
            "全国政协主席汪洋18日出席仪式并讲话。",
            "zh-Hans",
            "2018-04-19",
        ),
    ] {
        let evs = events(text, lang, date);
        assert!(evs.is_empty(), "{text}: {evs:?}");
    }
    // The same with someone or something from abroad: a foreign guest, a forum, an
    // organisation of another state or of none, a delegation.
    for (text, lang, date, kind) in [
        (
            "Kim Jong Un attended the ceremony marking the 70th anniversary of the victory in Pyongyang on July 27 with Sergei Shoigu.",
            "en",
            "2023-07-28",
            EventType::Attendance,
        ),
        (
            "国家副主席王岐山10日在广西南宁出席第18届中国—东盟博览会开幕式。",
            "zh-Hans",
            "2021-09-11",
            EventType::Attendance,
        ),
        // Neither Davos nor the forum is in the gazetteer: "world" says it (international.toml).
        (
            "国务院副总理丁薛祥1月21日在达沃斯出席世界经济论坛2025年年会。",
            "zh-Hans",
            "2025-01-22",
            EventType::Attendance,
        ),
        (
            "Сергей Лавров рассказал об итогах переговоров Владимира Путина с делегацией африканских лидеров 17 июня.",
            "ru",
            "2023-06-18",
            EventType::Meeting,
        ),
    ] {
        let evs = events(text, lang, date);
        assert_eq!(of(&evs, kind).len(), 1, "{text}: {evs:?}");
    }
}

/// The dead are remembered, never present: "before the portrait of Kim Jong Il" after
/// 2011-12-17 is no visit of his, and a gift received "on the occasion of" his birthday is no
/// meeting with him.
#[test]
fn the_dead_take_part_in_nothing() {
    let evs = events(
        "Korean residents in China on a visit to the motherland expressed deep condolences before the portrait of Kim Jong Il on December 27.",
        "en",
        "2011-12-28",
    );
    assert!(evs.is_empty(), "{evs:?}");
    let evs = events(
        "Kim Jong Il held talks with Hu Jintao in Beijing on May 25.",
        "en",
        "2011-05-27",
    );
    assert_eq!(of(&evs, EventType::Meeting).len(), 1, "{evs:?}");
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

fn role(e: &EventDraft, id: &str) -> Option<entente_core::Role> {
    e.participants
        .iter()
        .find(|p| p.actor_id == id)
        .map(|p| p.role)
}

#[test]
fn undated_look_back_is_a_citation_of_the_dated_visit() {
    // State-media style: the visit dated once, then looked back at without a date.
    let evs = events(
        "Kim Jong Il paid an unofficial visit to China from May 20 to 26.\n\n\
         The meeting discussed the results of the unofficial visit to China paid by Kim Jong Il.\n\n\
         Kim Jong Il's recent visit to China will be recorded in history.",
        "en",
        "2011-06-06",
    );
    let visits = of(&evs, EventType::Visit);
    assert_eq!(visits.len(), 1, "{evs:?}");
    assert_eq!(visits[0].date.unwrap().to_string(), "2011-05-20/2011-05-26");
    assert_eq!(visits[0].citations.len(), 3, "{:?}", visits[0].citations);
    // Alone in its document, a look back reports nothing, not a visit on the publication day.
    for text in [
        "Organizations of Russia and Ecuador hailed general secretary Kim Jong Il's successful unofficial visit to China.",
        "General Secretary Kim Jong Il's successful visit to China was hailed at a meeting in Italy on June 25.",
        "Liu Hongcai hosted a reception at his embassy Friday in connection with General Secretary Kim Jong Il's successful China visit.",
        "The secretary general said Kim Jong Il's visit to China greatly contributed to the friendly relations.",
    ] {
        let evs = events(text, "en", "2011-07-01");
        assert!(of(&evs, EventType::Visit).is_empty(), "{text}: {evs:?}");
    }
    // A dated report stays a report even when it praises ("paid a successful visit").
    let evs = events(
        "Kim Jong Il paid a successful visit to Russia from August 20 to 25.",
        "en",
        "2011-08-26",
    );
    assert_eq!(of(&evs, EventType::Visit).len(), 1, "{evs:?}");
}

#[test]
fn domestic_tour_is_no_visit() {
    let evs = events(
        "Kim Jong Il was accompanied by Kim Jong Un in visiting the Taedonggang Fruit Farm in Pyongyang on July 21.",
        "en",
        "2011-07-22",
    );
    assert!(of(&evs, EventType::Visit).is_empty(), "{evs:?}");
}

#[test]
fn message_received_from_is_sent_by_the_other() {
    let evs = events(
        "Kim Jong Il on Monday received a message of greeting from D. Medvedev, president of the Russian Federation, on the occasion of the day of Korea's liberation.",
        "en",
        "2011-08-15",
    );
    let m = of(&evs, EventType::Message);
    assert_eq!(m.len(), 1, "{evs:?}");
    let sender: Vec<&str> = m[0]
        .participants
        .iter()
        .filter(|p| p.role == entente_core::Role::Sender)
        .map(|p| p.actor_id.as_str())
        .collect();
    assert_eq!(sender, vec!["Q23530"], "{m:?}");
    assert_eq!(
        role(m[0], "kim-jong-il"),
        Some(entente_core::Role::Recipient)
    );
}

#[test]
fn greetings_exchanged_in_person_are_a_meeting() {
    let evs = events(
        "Kim Jong Il exchanged warm greetings with Medvedev in Ulan-Ude on Wednesday.",
        "en",
        "2011-08-25",
    );
    assert!(of(&evs, EventType::Message).is_empty(), "{evs:?}");
    assert_eq!(of(&evs, EventType::Meeting).len(), 1, "{evs:?}");
}

#[test]
fn the_outlets_reporting_day_does_not_date_the_event() {
    let evs = events(
        "新華社通信は8日、北朝鮮の金正恩朝鮮労働党委員長が遼寧省大連を訪れ、習近平国家主席と会談したと伝えた。\n\n\
         報道によると、両氏は7日から8日にかけて大連で会談や夕食会に臨んだ。",
        "ja",
        "2018-05-08",
    );
    let m = of(&evs, EventType::Meeting);
    assert_eq!(m.len(), 1, "{evs:?}");
    assert_eq!(m[0].date.unwrap().to_string(), "2018-05-07/2018-05-08");
    let v = of(&evs, EventType::Visit);
    assert_eq!(v[0].date.unwrap().to_string(), "2018-05-07/2018-05-08");
}

#[test]
fn trip_length_makes_an_interval() {
    for (text, lang, published, want) in [
        (
            "Chinese President Xi Jinping began a two-day state visit to Vietnam on Tuesday.",
            "en",
            "2023-12-13",
            "2023-12-12/2023-12-13",
        ),
        (
            "Wang Yi met Kim Jong Un in Pyongyang on Thursday, the second day of a two-day visit to the North.",
            "en",
            "2018-05-04",
            "2018-05-02/2018-05-03",
        ),
        (
            "문재인 대통령이 18일부터 2박 3일 일정으로 평양을 방문하고 있다.",
            "ko",
            "2018-09-18",
            "2018-09-18/2018-09-20",
        ),
    ] {
        let evs = events(text, lang, published);
        let v = of(&evs, EventType::Visit);
        assert_eq!(v.len(), 1, "{text}: {evs:?}");
        assert_eq!(v[0].date.unwrap().to_string(), want, "{text}");
    }
}

#[test]
fn a_city_state_is_a_place_and_neutral_ground() {
    let evs = events(
        "安倍晋三首相は14日、シンガポールでロシアのプーチン大統領と会談した。",
        "ja",
        "2018-11-15",
    );
    let m = of(&evs, EventType::Meeting);
    assert_eq!(m.len(), 1, "{evs:?}");
    assert_eq!(m[0].place.as_deref(), Some("SG"));
    assert!(
        m[0].participants
            .iter()
            .all(|p| p.role == entente_core::Role::Participant),
        "{m:?}"
    );
}

#[test]
fn accompanying_spouse_joins_the_visit() {
    let evs = events(
        "朝鲜劳动党委员长金正恩1月7日至10日对中国进行访问。夫人李雪主陪同访问。",
        "zh-Hans",
        "2019-01-10",
    );
    let v = of(&evs, EventType::Visit);
    assert_eq!(v.len(), 1, "{evs:?}");
    assert_eq!(
        role(v[0], "ri-sol-ju"),
        Some(entente_core::Role::Guest),
        "{v:?}"
    );
}

#[test]
fn a_date_inside_a_quoted_name_does_not_date_the_signing() {
    let evs = events(
        "문재인 대통령과 김정은 국무위원장은 19일 백화원 영빈관에서 '9월 평양공동선언'에 서명했다.",
        "ko",
        "2018-09-20",
    );
    let a = of(&evs, EventType::Agreement);
    assert_eq!(a.len(), 1, "{evs:?}");
    assert_eq!(a[0].date.unwrap().to_string(), "2018-09-19");
}

#[test]
fn a_summit_attended_as_the_setting_of_talks_is_no_attendance() {
    let evs = events(
        "中國國家主席習近平15日在烏茲別克撒馬爾罕出席上海合作組織峰會期間,與俄羅斯總統普京舉行會晤。",
        "zh-Hant",
        "2022-09-16",
    );
    assert!(of(&evs, EventType::Attendance).is_empty(), "{evs:?}");
    assert_eq!(of(&evs, EventType::Meeting).len(), 1, "{evs:?}");
}

#[test]
fn a_marked_delegation_head_leads_alone() {
    let evs = events(
        "Kim Jong Il on Tuesday received the Chinese friendship delegation led by Zhang Dejiang, vice-premier of the State Council.",
        "en",
        "2011-07-13",
    );
    let d = of(&evs, EventType::Delegation);
    assert_eq!(d.len(), 1, "{evs:?}");
    assert_eq!(ids(d[0]), ["zhang-dejiang"], "{d:?}");
}

#[test]
fn a_delegation_reported_as_such_is_no_visit_besides() {
    let evs = events(
        "Военная делегация России во главе с министром обороны Сергеем Шойгу 25 июля прибыла в Пхеньян.",
        "ru",
        "2023-07-26",
    );
    assert!(of(&evs, EventType::Visit).is_empty(), "{evs:?}");
    assert_eq!(of(&evs, EventType::Delegation).len(), 1, "{evs:?}");
}

#[test]
fn attendances_at_one_venue_on_one_day_are_one_ceremony() {
    let evs = events(
        "二〇二三年十月十八日,第三届“一带一路”国际合作高峰论坛开幕式在北京国家会议中心举行,国家主席习近平出席并发表主旨演讲。俄罗斯总统普京作为主宾出席开幕式并致辞。",
        "zh-Hans",
        "2023-10-18",
    );
    let a = of(&evs, EventType::Attendance);
    assert_eq!(a.len(), 1, "{evs:?}");
    assert_eq!(a[0].participants.len(), 2, "{a:?}");
}

#[test]
fn an_event_some_time_after_another_dates_the_other() {
    let evs = events(
        "Chinese President Xi Jinping began a two-day state visit to Vietnam on Tuesday.\n\n\
         The visit came three months after US President Joe Biden went to Hanoi.",
        "en",
        "2023-12-13",
    );
    let biden = of(&evs, EventType::Visit)
        .into_iter()
        .find(|e| ids(e) == ["Q6279"])
        .unwrap_or_else(|| panic!("{evs:?}"));
    assert_eq!(biden.date.unwrap().to_string(), "2023-09");
}

#[test]
fn deployments_and_transfers_carry_their_quantities() {
    let evs = events(
        "Seoul's intelligence service said on Wednesday that North Korea had sent some 11,000 troops to Russia.",
        "en",
        "2024-11-20",
    );
    let dep = of(&evs, EventType::Deployment);
    assert_eq!(dep.len(), 1, "{evs:#?}");
    let q = &dep[0].quantities;
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(
        (q[0].low, q[0].high, q[0].unit.as_str()),
        (11000.0, 11000.0, "personnel")
    );
    assert!(q[0].approximate);
    assert!(q[0].citation.quote.contains("some 11,000 troops"));

    let evs = events(
        "韓国政府によると、北朝鮮はロシアに砲弾420万～580万発を供与した。",
        "ja",
        "2025-03-01",
    );
    let tr = of(&evs, EventType::Transfer);
    assert_eq!(tr.len(), 1, "{evs:#?}");
    let q = &tr[0].quantities;
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(
        (q[0].low, q[0].high, q[0].unit.as_str()),
        (4_200_000.0, 5_800_000.0, "shells")
    );

    // A deployment keeps people, not shells named in the same sentence.
    let evs = events(
        "韓国の国家情報院によると、北朝鮮は約1万1,000人の兵士をロシアに派兵し、砲弾300万発も送った。",
        "ja",
        "2024-12-01",
    );
    let deps = of(&evs, EventType::Deployment);
    assert!(!deps.is_empty(), "{evs:#?}");
    for d in deps {
        assert!(
            d.quantities.iter().all(|q| q.unit == "personnel"),
            "{:?}",
            d.quantities
        );
        assert!(
            d.quantities
                .iter()
                .any(|q| q.low == 11000.0 && q.approximate)
        );
    }
}

fn date_of(evs: &[EventDraft], kind: EventType) -> Vec<String> {
    of(evs, kind)
        .iter()
        .map(|e| e.date.map(|d| d.to_string()).unwrap_or_default())
        .collect()
}

#[test]
fn a_day_within_a_trip_dates_the_ceremony_attended() {
    // The trip's span dates the visit; the parade attended falls on the day given for it.
    let evs = events(
        "習近平5月7日至10日對俄羅斯進行國事訪問，並出席勝利80週年慶典。\n\n9日，習近平在紅場出席勝利日閱兵。",
        "zh-Hant",
        "2025-05-10",
    );
    assert_eq!(
        date_of(&evs, EventType::Visit),
        ["2025-05-07/2025-05-10"],
        "{evs:?}"
    );
    assert_eq!(
        date_of(&evs, EventType::Attendance),
        ["2025-05-09"],
        "{evs:?}"
    );
}

#[test]
fn an_undated_signing_in_a_trip_takes_the_talks_day() {
    let evs = events(
        "Путин и Си Цзиньпин вчера провели переговоры в Кремле. Си Цзиньпин находится в России с государственным визитом 5–7 июня.\n\nПо итогам встречи главы государств подписали совместное заявление.",
        "ru",
        "2019-06-06",
    );
    assert_eq!(date_of(&evs, EventType::Meeting), ["2019-06-05"], "{evs:?}");
    assert_eq!(
        date_of(&evs, EventType::Agreement),
        ["2019-06-05"],
        "{evs:?}"
    );
}

#[test]
fn a_chinese_distance_in_weeks_dates_the_earlier_event_to_its_month() {
    let evs = events(
        "金正恩6月19日至20日对中国进行访问。这是金正恩今年以来第三次访华，距他在新加坡同美国总统特朗普会晤仅一周时间。",
        "zh-Hans",
        "2018-06-20",
    );
    let meetings: Vec<_> = of(&evs, EventType::Meeting)
        .into_iter()
        .filter(|e| ids(e).len() == 2 && e.date.is_some_and(|d| d.end.is_none()))
        .map(|e| e.date.unwrap().to_string())
        .collect();
    assert_eq!(meetings, ["2018-06"], "{evs:?}");
}

#[test]
fn the_day_an_occasion_falls_on_dates_a_message_to_the_month() {
    let evs = events(
        "Kim Jong Un sent a message to President Vladimir Putin for Russia Day, which falls on June 12.",
        "en",
        "2023-06-12",
    );
    assert_eq!(date_of(&evs, EventType::Message), ["2023-06"], "{evs:?}");
}

#[test]
fn table_rows_from_pdfs_give_one_event_per_date() {
    // A chronology table as pdftotext gives it: one row per line, columns run together.
    let evs = events(
        "Table 2. Kim Jong Un's summits with Xi Jinping\n\
         Date Place Meeting\n\
         2018.3.25-28 Beijing Kim Jong Un visit to China, talks with Xi Jinping\n\
         2019.6.20-21 Pyongyang Xi Jinping state visit, talks with Kim Jong Un\n\
         2018.6.19-20 2019.1.7-10 Beijing Kim Jong Un visits to China, talks with Xi Jinping\n",
        "en",
        "2024-01-10",
    );
    let mut visits: Vec<String> = of(&evs, EventType::Visit)
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e.date.map(|d| d.to_string()).unwrap_or_default(),
                ids(e).join("+")
            )
        })
        .collect();
    visits.sort();
    assert_eq!(
        visits,
        vec![
            "2018-03-25/2018-03-28 Q15031+Q56226",
            "2018-06-19/2018-06-20 Q15031+Q56226",
            "2019-01-07/2019-01-10 Q15031+Q56226",
            "2019-06-20/2019-06-21 Q15031+Q56226",
        ],
        "{evs:#?}"
    );
}

/// A one-character future marker right before the verb (将出席, 即将访问) makes an
/// announcement, not an event; the same sentence without it reports one. (Real CCTV items
/// announce the leader's attendance the day before.)
#[test]
fn future_marker_right_before_the_verb_is_an_announcement() {
    let planned = events(
        "国家主席习近平将出席一带一路国际合作高峰论坛开幕式并发表主旨演讲。",
        "zh-Hans",
        "2019-04-25",
    );
    assert!(
        of(&planned, EventType::Attendance).is_empty(),
        "{planned:?}"
    );
    let held = events(
        "国家主席习近平26日出席一带一路国际合作高峰论坛开幕式并发表主旨演讲。",
        "zh-Hans",
        "2019-04-27",
    );
    assert_eq!(of(&held, EventType::Attendance).len(), 1, "{held:?}");
}

/// Russian future perfectives before the trigger ("приедут … на встречу", "проведет
/// переговоры") announce a meeting; the past tense reports one.
#[test]
fn russian_future_tense_is_an_announcement() {
    let planned = events(
        "Эммануэль Макрон приедет в Вашингтон на встречу с Дональдом Трампом.",
        "ru",
        "2025-02-23",
    );
    assert!(of(&planned, EventType::Meeting).is_empty(), "{planned:?}");
    let held = events(
        "Эммануэль Макрон провел в Вашингтоне встречу с Дональдом Трампом.",
        "ru",
        "2025-02-24",
    );
    assert_eq!(of(&held, EventType::Meeting).len(), 1, "{held:?}");
}

/// "Телефонные переговоры" (telephone talks) is a call, not a meeting, as is "telephone talks".
#[test]
fn telephone_talks_are_a_call() {
    for (text, lang) in [
        (
            "Владимир Путин провел сегодня телефонные переговоры с президентом Турции Реджепом Тайипом Эрдоганом.",
            "ru",
        ),
        (
            "Vladimir Putin held telephone talks with Turkish President Recep Tayyip Erdogan today.",
            "en",
        ),
    ] {
        let evs = events(text, lang, "2024-11-24");
        assert_eq!(of(&evs, EventType::Call).len(), 1, "{text}: {evs:?}");
        assert!(of(&evs, EventType::Meeting).is_empty(), "{text}: {evs:?}");
    }
}
