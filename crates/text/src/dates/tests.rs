use super::*;

fn d(s: &str) -> DateValue {
    s.parse().unwrap()
}

/// All mentions as `text=value` strings.
fn all(text: &str, lang: Lang, anchor: &str) -> Vec<String> {
    let a = (!anchor.is_empty()).then(|| d(anchor));
    find_dates(text, &lang, a)
        .into_iter()
        .map(|m| format!("{}={}", m.text, m.value))
        .collect()
}

/// `parse_date` of a whole expression, or what `find_dates` saw instead.
fn one(text: &str, lang: Lang, anchor: &str) -> String {
    let a = (!anchor.is_empty()).then(|| d(anchor));
    match parse_date(text, &lang, a) {
        Some(v) => v.to_string(),
        None => format!("none: {:?}", all(text, lang, anchor)),
    }
}

const A: &str = "2025-11-05"; // a Wednesday

#[test]
fn japanese_absolute() {
    let ja = |s| one(s, Lang::Ja, A);
    assert_eq!(ja("2025年9月4日"), "2025-09-04");
    assert_eq!(ja("２０２５年９月４日"), "2025-09-04");
    assert_eq!(ja("二〇二五年九月四日"), "2025-09-04");
    assert_eq!(ja("2016年3月21日(月)"), "2016-03-21");
    assert_eq!(ja("2016年3月21日（月曜日）"), "2016-03-21");
    assert_eq!(ja("2025年9月"), "2025-09");
    assert_eq!(ja("2025年"), "2025");
    assert_eq!(ja("十月"), "2025-10");
    assert_eq!(ja("9月4日"), "2025-09-04");
    assert_eq!(ja("3月初旬"), "2025-03");
    assert_eq!(ja("昭和 ４１年　３月１６日"), "1966-03-16");
    assert_eq!(ja("千九百六十六年"), "1966");
}

#[test]
fn japanese_eras() {
    let ja = |s| one(s, Lang::Ja, A);
    assert_eq!(ja("令和7年9月4日"), "2025-09-04");
    assert_eq!(ja("令和元年"), "2019");
    assert_eq!(ja("令和元年（2019年）6月"), "2019-06");
    assert_eq!(ja("平成二〇年一二月二六日"), "2008-12-26");
    assert_eq!(ja("明治36年"), "1903");
    assert_eq!(ja("大正5年"), "1916");
    assert_eq!(ja("㍻1年"), "1989");
    assert_eq!(ja("㍼1年"), "1926");
    assert_eq!(ja("㍽1年"), "1912");
    assert_eq!(ja("㍾1年"), "1868");
    assert_eq!(ja("㋿2年"), "2020");
    assert_eq!(ja("H30年"), "2018");
    assert_eq!(ja("R7年"), "2025");
    assert_eq!(ja("S64年1月7日"), "1989-01-07");
    assert_eq!(ja("Ｈ２０年"), "2008");
    assert_eq!(ja("R1/5/1"), "2019-05-01");
    assert_eq!(ja("1933年（昭和8年）12月23日"), "1933-12-23");
    assert_eq!(ja("2025年度"), "2025-04/2026-03");
    // Letters are eras only in Japanese.
    assert!(
        all("H30年", Lang::En, A)
            .iter()
            .all(|m| !m.starts_with("H30"))
    );
}

#[test]
fn era_conversion_uses_cldr_boundaries() {
    assert_eq!(japanese_era(d("2019-05-01")), Some(("令和", 1)));
    assert_eq!(japanese_era(d("2019-04-30")), Some(("平成", 31)));
    assert_eq!(japanese_era(d("1989-01-07")), Some(("昭和", 64)));
    assert_eq!(japanese_era(d("1868-10-23")), Some(("明治", 1)));
    // Most libraries start Meiji on 1868-01-25; CLDR does not.
    assert_eq!(japanese_era(d("1868-01-25")), None);
    assert_eq!(japanese_era(d("2019-05")), None);
    assert_eq!(era_year("juche", 113), Some(2024));
}

#[test]
fn juche_years() {
    assert_eq!(one("주체113(2024)년", Lang::Ko, A), "2024");
    assert_eq!(one("주체113년", Lang::Ko, A), "2024");
    assert_eq!(one("주체114년 9월 4일", Lang::Ko, A), "2025-09-04");
    assert_eq!(one("主体113年", Lang::ZhHans, A), "2024");
}

#[test]
fn chinese() {
    let zh = |s| one(s, Lang::ZhHans, A);
    assert_eq!(zh("二〇二五年九月四日"), "2025-09-04");
    assert_eq!(zh("2025年9月4号"), "2025-09-04");
    assert_eq!(zh("9月二十五日"), "2025-09-25");
    assert_eq!(zh("二十五日"), "2025-10-25");
    assert_eq!(zh("十月"), "2025-10");
    assert_eq!(zh("昨天"), "2025-11-04");
    assert_eq!(zh("前天"), "2025-11-03");
    assert_eq!(zh("今天"), "2025-11-05");
    assert_eq!(zh("明天"), "2025-11-06");
    assert_eq!(zh("去年"), "2024");
    assert_eq!(zh("明年"), "2026");
    assert_eq!(zh("今年"), "2025");
    assert_eq!(zh("周二"), "2025-11-04");
    assert_eq!(zh("星期日 2015年04月08日"), "2015-04-08");
    assert_eq!(one("2015年4月8日", Lang::ZhHant, A), "2015-04-08");
}

#[test]
fn korean() {
    let ko = |s| one(s, Lang::Ko, A);
    assert_eq!(ko("2025년 9월 4일"), "2025-09-04");
    assert_eq!(ko("2025년"), "2025");
    assert_eq!(ko("10월 25~28일"), "2025-10-25/2025-10-28");
    assert_eq!(ko("10월 25일~11월 2일"), "2025-10-25/2025-11-02");
    assert_eq!(ko("어제"), "2025-11-04");
    assert_eq!(ko("오늘"), "2025-11-05");
    assert_eq!(ko("그제"), "2025-11-03");
    assert_eq!(ko("내일"), "2025-11-06");
    assert_eq!(ko("지난달"), "2025-10");
    assert_eq!(ko("작년"), "2024");
    assert_eq!(ko("올해"), "2025");
    assert_eq!(ko("2016년 3월 21일(월)"), "2016-03-21");
    assert_eq!(ko("2025. 9. 4."), "2025-09-04");
    assert_eq!(
        all("김 위원장은 어제(4일) 평양에서 회담했다.", Lang::Ko, A),
        ["어제=2025-11-04", "4일=2025-11-04"]
    );
    // Counts are not dates.
    assert!(all("5년 전에 3일간 머물렀다", Lang::Ko, A).is_empty());
}

#[test]
fn ranges_cjk() {
    let ja = |s| one(s, Lang::Ja, A);
    assert_eq!(ja("10月25～28日"), "2025-10-25/2025-10-28");
    assert_eq!(ja("10月25日～11月2日"), "2025-10-25/2025-11-02");
    assert_eq!(ja("昭和41年3月1〜12日"), "1966-03-01/1966-03-12");
    assert_eq!(ja("昭和41年1〜12月"), "1966-01/1966-12");
    assert_eq!(ja("昭和41年3月1日〜4月12日"), "1966-03-01/1966-04-12");
    assert_eq!(
        ja("平成９年１０月１７日（火）〜２０日（金）"),
        "1997-10-17/1997-10-20"
    );
    assert_eq!(
        ja("昭和３４年１月１７日〜平成9年12月20日"),
        "1959-01-17/1997-12-20"
    );
    assert_eq!(ja("12月28日～1月3日"), "2025-12-28/2026-01-03");
    assert_eq!(ja("10月25日から28日まで"), "2025-10-25/2025-10-28");
}

#[test]
fn relative_japanese() {
    let ja = |s| one(s, Lang::Ja, A);
    assert_eq!(ja("昨日"), "2025-11-04");
    assert_eq!(ja("今日"), "2025-11-05");
    assert_eq!(ja("本日"), "2025-11-05");
    assert_eq!(ja("先月"), "2025-10");
    assert_eq!(ja("来月"), "2025-12");
    assert_eq!(ja("昨年"), "2024");
    assert_eq!(ja("去年"), "2024");
    assert_eq!(ja("今年"), "2025");
    assert_eq!(ja("明年"), "2026");
    assert_eq!(ja("火曜日"), "2025-11-04");
    assert_eq!(
        all(
            "首相は10月3日に訪米し、前日に会談した。翌日も同日の件を話した。",
            Lang::Ja,
            A
        ),
        [
            "10月3日=2025-10-03",
            "前日=2025-10-02",
            "翌日=2025-10-03",
            "同日=2025-10-03"
        ]
    );
    // 前日本 is "former Japanese".
    assert!(all("前日本代表が語った", Lang::Ja, A).is_empty());
}

#[test]
fn bare_days_and_year_rules() {
    // A bare day is in the anchor's month, or the month before if more than 7 days ahead.
    assert_eq!(one("4日", Lang::Ja, A), "2025-11-04");
    assert_eq!(one("25日", Lang::Ja, A), "2025-10-25");
    assert_eq!(one("12日", Lang::Ja, A), "2025-11-12");
    // A day-month more than 61 days after the anchor is last year's.
    assert_eq!(one("12月25日", Lang::Ja, "2026-01-05"), "2025-12-25");
    assert_eq!(one("2月25日", Lang::Ja, "2026-01-05"), "2026-02-25");
    // Without an anchor or context, nothing to resolve against.
    assert!(find_dates("9月4日", &Lang::Ja, None).is_empty());
    // Context year wins over the anchor.
    assert_eq!(
        all(
            "19 марта 2001 был хороший день. 20 марта тоже.",
            Lang::Ru,
            A
        ),
        ["19 марта 2001=2001-03-19", "20 марта=2001-03-20"]
    );
}

#[test]
fn years_only_when_clearly_dates() {
    let none =
        |s: &str, l: Lang| assert!(all(s, l.clone(), A).is_empty(), "{s}: {:?}", all(s, l, A));
    none("17年前に", Lang::Ja);
    none("3年間", Lang::Ja);
    none("1990年代", Lang::Ja);
    none("2025 tons", Lang::En);
    none("1年11个月", Lang::ZhHans);
    none("3ヶ月", Lang::Ja);
    none("3日間滞在", Lang::Ja);
    none("一日も早く", Lang::Ja);
    none("2000 лет", Lang::Ru);
    none("2001 год назад", Lang::Ru);
    none("毎月25日", Lang::Ja);
    none("乘坐5号线", Lang::ZhHans);
    assert_eq!(one("in 2025", Lang::En, A), "none: [\"2025=2025\"]");
    assert_eq!(all("It began in 2025.", Lang::En, A), ["2025=2025"]);
    assert_eq!(all("в 2025 году", Lang::Ru, A), ["2025 году=2025"]);
    assert_eq!(one("2025 г.", Lang::Ru, A), "2025");
    assert_eq!(one("2000год", Lang::Ru, A), "2000");
}

#[test]
fn english() {
    let en = |s| one(s, Lang::En, A);
    assert_eq!(en("4 September 2025"), "2025-09-04");
    assert_eq!(en("September 4, 2025"), "2025-09-04");
    assert_eq!(en("Sept. 4"), "2025-09-04");
    assert_eq!(en("4 Sept"), "2025-09-04");
    assert_eq!(en("September 2025"), "2025-09");
    assert_eq!(en("25–28 October"), "2025-10-25/2025-10-28");
    assert_eq!(en("October 25-28, 2025"), "2025-10-25/2025-10-28");
    assert_eq!(en("25 October – 2 November 2025"), "2025-10-25/2025-11-02");
    assert_eq!(en("yesterday"), "2025-11-04");
    assert_eq!(en("today"), "2025-11-05");
    assert_eq!(en("Tuesday, 4 November 2025"), "2025-11-04");
    assert_eq!(en("2025-09-04"), "2025-09-04");
    assert_eq!(
        all("The talks began early September.", Lang::En, A),
        ["early September=2025-09"]
    );
    assert_eq!(
        all("He arrived on Tuesday.", Lang::En, A),
        ["Tuesday=2025-11-04"]
    );
    assert_eq!(
        all("They met on Wednesday.", Lang::En, A),
        ["Wednesday=2025-11-05"]
    );
    assert_eq!(
        all(
            "They met on 3 October 2025 and the day before.",
            Lang::En,
            A
        ),
        ["3 October 2025=2025-10-03", "the day before=2025-10-02"]
    );
    assert_eq!(
        all("Sales fell last month.", Lang::En, A),
        ["last month=2025-10"]
    );
    assert_eq!(
        all("Talks resume next year.", Lang::En, A),
        ["next year=2026"]
    );
    assert_eq!(
        all("They met in September.", Lang::En, A),
        ["September=2025-09"]
    );
    // `may` and `march` are words unless capitalised; a bare month needs a preposition.
    assert!(all("They may march on 4 may", Lang::En, A).is_empty());
    assert!(all("September was cold", Lang::En, A).is_empty());
}

#[test]
fn russian() {
    let ru = |s| one(s, Lang::Ru, A);
    assert_eq!(ru("4 сентября 2025 года"), "2025-09-04");
    assert_eq!(ru("4 сентября"), "2025-09-04");
    assert_eq!(ru("13 янв. 2005"), "2005-01-13");
    assert_eq!(ru("04.09.2025"), "2025-09-04");
    assert_eq!(ru("вчера"), "2025-11-04");
    assert_eq!(ru("сегодня"), "2025-11-05");
    assert_eq!(ru("завтра"), "2025-11-06");
    assert_eq!(ru("позавчера"), "2025-11-03");
    assert_eq!(
        all("Встреча прошла в сентябре.", Lang::Ru, A),
        ["сентябре=2025-09"]
    );
    assert_eq!(
        all("в начале сентября", Lang::Ru, A),
        ["начале сентября=2025-09"]
    );
    assert_eq!(
        all("с 25 по 28 октября", Lang::Ru, A),
        ["25 по 28 октября=2025-10-25/2025-10-28"]
    );
    assert_eq!(
        all("с 25 октября по 2 ноября 2025 года", Lang::Ru, A),
        ["25 октября по 2 ноября 2025 года=2025-10-25/2025-11-02"]
    );
    assert_eq!(
        all("Во вторник министр заявил", Lang::Ru, A),
        ["вторник=2025-11-04"]
    );
    assert_eq!(all("в прошлом году", Lang::Ru, A), ["в прошлом году=2024"]);
    assert_eq!(
        all("14 декабря в 1989 году", Lang::Ru, A),
        ["14 декабря в 1989 году=1989-12-14"]
    );
}

#[test]
fn undetermined_language_uses_script() {
    assert_eq!(all("昨日、会談した。", Lang::Und, A), ["昨日=2025-11-04"]);
    assert_eq!(all("前日に", Lang::Und, A), ["前日=2025-11-04"]); // ja: the day before
    assert_eq!(all("前日到达", Lang::Und, A), ["前日=2025-11-03"]); // zh: day before yesterday
    assert_eq!(all("вчера", Lang::Und, A), ["вчера=2025-11-04"]);
}

#[test]
fn spans_are_byte_offsets() {
    let text = "会談は２０２５年９月４日（木）に行われた。";
    let m = &find_dates(text, &Lang::Ja, None)[0];
    assert_eq!(&text[m.start..m.end], m.text);
    assert_eq!(m.text, "２０２５年９月４日（木）");
    assert!(!m.relative);
    let m = &find_dates("昨日", &Lang::Ja, Some(d(A)))[0];
    assert!(m.relative);
}

#[test]
fn bare_day_ranges() {
    let anchor: DateValue = "2018-03-28".parse().unwrap();
    let found = find_dates(
        "金正恩委員長が25日から28日まで中国を訪問した。",
        &Lang::Ja,
        Some(anchor),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].value.to_string(), "2018-03-25/2018-03-28");
    let ko = find_dates(
        "9일부터 11일까지 평양을 방문했다.",
        &Lang::Ko,
        Some("2025-10-11".parse().unwrap()),
    );
    assert_eq!(ko[0].value.to_string(), "2025-10-09/2025-10-11");
}

#[test]
fn month_after_a_year_given_alone_takes_that_year() {
    // "Last year" then a month: not the year of the date given earlier in the text.
    let v = all(
        "최선희 외무상이 16일 모스크바에서 회담했다. 최 외무상은 지난해 9월 방러 때 수행했다.",
        Lang::Ko,
        "2024-01-17",
    );
    assert_eq!(v, ["16일=2024-01-16", "지난해=2023", "9월=2023-09"]);
    assert_eq!(
        all("昨年の9月に会った。", Lang::Ja, "2023-01-10"),
        ["昨年=2022", "9月=2022-09"]
    );
    // Not across a sentence: 「2018年。9月…」 keeps the usual rule.
    assert_eq!(
        all("после 2018 года.\n\n19 октября", Lang::Ru, "2023-10-20")[1],
        "19 октября=2023-10-19"
    );
}

#[test]
fn context_year_not_taken_for_a_month_far_after_the_anchor() {
    let v = all(
        "16 января 2024 года. Он напомнил о переговорах в сентябре.",
        Lang::Ru,
        "2024-01-17",
    );
    assert_eq!(v[1], "сентябре=2023-09");
}

#[test]
fn date_restated_in_brackets_is_not_a_second_date() {
    assert_eq!(
        all(
            "石破茂首相は15日(日本時間16日)、リマで会談した。",
            Lang::Ja,
            "2024-11-16"
        ),
        ["15日=2024-11-15"]
    );
}

#[test]
fn taiwanese_bracketed_day() {
    assert_eq!(
        all(
            "川普與習近平昨(30)日在韓國釜山會面",
            Lang::ZhHant,
            "2025-10-31"
        ),
        ["昨(30)日=2025-10-30"]
    );
}

#[test]
fn nights_and_days_of_a_trip_are_not_dates() {
    assert_eq!(
        all(
            "18일부터 2박 3일 일정으로 평양을 방문",
            Lang::Ko,
            "2018-09-18"
        ),
        ["18일=2018-09-18"]
    );
    assert_eq!(
        all("2泊3日の日程", Lang::Ja, "2018-09-18"),
        Vec::<String>::new()
    );
}

#[test]
fn calendar_year_before_since() {
    assert_eq!(
        all(
            "プーチン氏の訪朝は2000年以来24年ぶり。",
            Lang::Ja,
            "2024-06-20"
        ),
        ["2000年=2000"]
    );
    // A count of years stays a count.
    assert_eq!(all("3年以来", Lang::Ja, "2024-06-20"), Vec::<String>::new());
}

#[test]
fn days_ago_count_back_from_the_anchor() {
    // A = 2025-11-05.
    assert_eq!(
        all("Kim arrived three days ago.", Lang::En, A),
        ["three days ago=2025-11-02"]
    );
    assert_eq!(
        all("talks held 2 days ago", Lang::En, A),
        ["2 days ago=2025-11-03"]
    );
    assert_eq!(all("a week ago", Lang::En, A), ["a week ago=2025-10-29"]);
    assert_eq!(all("3日前に会談した", Lang::Ja, A), ["3日前=2025-11-02"]);
    assert_eq!(
        all("三天前抵达北京", Lang::ZhHans, A),
        ["三天前=2025-11-02"]
    );
    assert_eq!(
        all("사흘 전 평양에 도착했다", Lang::Ko, A),
        ["사흘 전=2025-11-02"]
    );
    assert_eq!(all("3일 전 회담했다", Lang::Ko, A), ["3일 전=2025-11-02"]);
    assert_eq!(
        all("три дня назад прибыл в Москву", Lang::Ru, A),
        ["три дня назад=2025-11-02"]
    );
    assert_eq!(
        all("неделю назад", Lang::Ru, A),
        ["неделю назад=2025-10-29"]
    );
    // Not counts back: "around the 3rd", a count of years, no day-precise anchor.
    assert_eq!(all("3日前後に", Lang::Ja, A), Vec::<String>::new());
    assert_eq!(all("17年前", Lang::Ja, A), Vec::<String>::new());
    assert_eq!(
        all("three days ago", Lang::En, "2025-11"),
        Vec::<String>::new()
    );
}

#[test]
fn trip_lengths() {
    let days = |t: &str| -> Vec<(u32, u32)> {
        find_durations(t).iter().map(|d| (d.days, d.nth)).collect()
    };
    assert_eq!(days("a two-day state visit"), [(2, 1)]);
    assert_eq!(
        days("on Thursday, the second day of a two-day visit"),
        [(2, 2)]
    );
    assert_eq!(days("the last day of his three-day trip"), [(3, 3)]);
    assert_eq!(days("18일부터 2박 3일 일정으로"), [(3, 1)]);
    assert_eq!(days("2泊3日の日程で"), [(3, 1)]);
    assert_eq!(days("3日間の日程で"), [(3, 1)]);
    assert_eq!(days("进行为期三天的国事访问"), [(3, 1)]);
    assert_eq!(days("двухдневный визит"), [(2, 1)]);
    assert_eq!(days("a one-day trip"), Vec::<(u32, u32)>::new());
    let span = find_durations("the second day of a two-day visit")[0]
        .span_from(&Edtf::date(d("2018-05-03")))
        .unwrap();
    assert_eq!(span.to_string(), "2018-05-02/2018-05-03");
}

#[test]
fn offsets_before_the_reported_event() {
    let o = find_offsets("The visit came three months after US President Joe Biden went to Hanoi");
    assert_eq!(o.len(), 1);
    let from = Edtf::date(d("2023-12-12"));
    assert_eq!(o[0].before(&from).unwrap().to_string(), "2023-09");
    let o = find_offsets("in Hanoi on Thursday, a day after signing a pact");
    assert_eq!(
        o[0].before(&Edtf::date(d("2024-06-20")))
            .unwrap()
            .to_string(),
        "2024-06-19"
    );
    let o = find_offsets("two months after");
    assert_eq!(
        o[0].before(&Edtf::date(d("2024-01-15")))
            .unwrap()
            .to_string(),
        "2023-11"
    );
    assert!(find_offsets("the day after").is_empty());
}

#[test]
fn the_day_an_occasion_falls_on_has_month_precision() {
    assert_eq!(
        all(
            "for Russia Day, which falls on June 12",
            Lang::En,
            "2023-06-12"
        ),
        ["June 12=2023-06"]
    );
    assert_eq!(
        all(
            "ко Дню России, который отмечается 12 июня",
            Lang::Ru,
            "2023-06-12"
        ),
        ["12 июня=2023-06"]
    );
    // Not a phrase of the table: the day stays.
    assert_eq!(
        all("the talks on June 12", Lang::En, "2023-06-12"),
        ["June 12=2023-06-12"]
    );
}

#[test]
fn chinese_distances_span_the_event_they_measure_from() {
    let text = "这是他第三次访华，距他在新加坡同特朗普会晤仅一周时间。";
    let o = find_offsets(text);
    assert_eq!(o.len(), 1);
    assert!(text[o[0].start..o[0].end].starts_with('距'));
    assert!(text[o[0].start..o[0].end].ends_with("一周"));
    let from = Edtf::interval(d("2018-06-19"), d("2018-06-20")).unwrap();
    // A count of weeks is a round figure: the month.
    assert_eq!(o[0].before(&from).unwrap().to_string(), "2018-06");
    let o = find_offsets("距上次会晤已有三个月");
    assert_eq!(
        o[0].before(&Edtf::date(d("2024-01-15")))
            .unwrap()
            .to_string(),
        "2023-10"
    );
    // No count in the clause: nothing.
    assert!(find_offsets("距离北京不远，三天后").is_empty());
}

#[test]
fn a_tables_day_ranges_in_numeric_dates() {
    assert_eq!(one("2018.3.25-28", Lang::En, A), "2018-03-25/2018-03-28");
    assert_eq!(one("2019/6/20～21", Lang::Ja, A), "2019-06-20/2019-06-21");
    // Not a range: a lower second day, an ISO date, a longer number after the dash.
    assert_eq!(
        one("2018.3.25-2", Lang::En, A),
        "none: [\"2018.3.25=2018-03-25\"]"
    );
    assert_eq!(
        all("2018-03-25-28", Lang::En, A),
        vec!["2018-03-25=2018-03-25".to_string()]
    );
    assert_eq!(
        all("2018.3.25-280 rows", Lang::En, A),
        vec!["2018.3.25=2018-03-25".to_string()]
    );
}
