//! Throughput of normalisation, tokenisation, folding and language identification over a few
//! MB of synthetic multilingual text. Run with `cargo bench -p entente-text`; prints MB/s.

use std::hint::black_box;
use std::time::{Duration, Instant};

use entente_core::{DateValue, Lang};
use entente_text::dates::find_dates;
use entente_text::{Mode, detect_spans, fold, normalize, tokenize};

const PARAGRAPHS: [&str; 7] = [
    "The foreign ministers met in the capital on Tuesday and said the talks on trade, energy \
     and regional security had been constructive; a joint statement is expected after the \
     leaders' meeting next week.",
    "Министр иностранных дел заявил, что переговоры с делегацией прошли в конструктивной \
     атмосфере, а стороны договорились продолжить консультации по вопросам безопасности.",
    "岸田首相は東京で韓国の大統領と会談し、両国の経済協力を強化することで合意した。\
     会談後、両首脳は共同記者会見に臨んだ。",
    "国家主席习近平在北京会见了来访的俄罗斯总统，双方就经济合作和地区安全问题交换了意见。",
    "國家主席習近平在北京會見了來訪的俄羅斯總統，雙方就經濟合作和地區安全問題交換了意見。",
    "김정은 국무위원장은 평양에서 러시아 대통령과 회담을 갖고 양국 관계 발전 방안을 논의했다.",
    "ＧＤＰ　成長率は２０２５年に１．５％と予測された。\r\n\r\n\r\n  Exports   rose\t 3.5% \u{200B}in September. ",
];

/// Date-dense sentences for `find_dates` (one date expression or more in each).
const DATE_PARAGRAPHS: [(&str, Lang); 5] = [
    (
        "両首脳は2025年10月25～28日に会談し、前日には令和7年度予算について協議した。",
        Lang::Ja,
    ),
    (
        "代表团于二〇二五年九月四日抵达平壤，昨天返回北京，主体114年的活动随后开始。",
        Lang::ZhHans,
    ),
    (
        "대표단은 10월 25~28일 평양을 방문했으며 어제 귀국했다. 주체113(2024)년 이후 처음이다.",
        Lang::Ko,
    ),
    (
        "Делегация находилась в Пхеньяне с 25 по 28 октября 2025 года, а вчера вернулась в Москву.",
        Lang::Ru,
    ),
    (
        "The ministers met on 4 September 2025 and again on Tuesday; talks resume in early October.",
        Lang::En,
    ),
];

fn corpus(target_bytes: usize) -> String {
    let mut s = String::with_capacity(target_bytes + 1024);
    let mut i = 0usize;
    while s.len() < target_bytes {
        // Vary the mix a little so the text is not one short period.
        let p = PARAGRAPHS[(i * 5 + i / 7) % PARAGRAPHS.len()];
        s.push_str(p);
        s.push_str(if i.is_multiple_of(3) { "\n\n" } else { "\n" });
        i += 1;
    }
    s
}

fn english(target_bytes: usize) -> String {
    let mut s = String::new();
    while s.len() < target_bytes {
        s.push_str(PARAGRAPHS[0]);
        s.push_str("\n\n");
    }
    s
}

/// English-like text over a large vocabulary (Zipf-like word frequencies from a fixed
/// pseudo-random sequence), so that caches see a realistic share of new words.
fn varied(target_bytes: usize) -> String {
    const SYLLABLES: [&str; 24] = [
        "con", "tra", "ment", "ing", "ed", "pro", "ver", "sta", "tion", "al", "re", "de", "ly",
        "ness", "ate", "port", "min", "is", "ter", "ex", "ings", "ers", "ic", "ous",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut s = String::with_capacity(target_bytes + 64);
    let mut words = 0u32;
    while s.len() < target_bytes {
        // Word rank: roughly Zipf over ~300k ranks.
        let u = (next() % 1_000_000) as f64 / 1_000_000.0;
        let rank = (300_000f64.powf(u)) as u64;
        let mut r = rank;
        let n = 1 + (rank % 3) as usize;
        for _ in 0..n {
            s.push_str(SYLLABLES[(r % 24) as usize]);
            r /= 24;
        }
        words += 1;
        s.push_str(if words.is_multiple_of(15) {
            ".\n\n"
        } else {
            " "
        });
    }
    s
}

/// Runs `f` repeatedly for at least `min` and returns MB/s over `bytes` per run.
fn rate(bytes: usize, min: Duration, mut f: impl FnMut()) -> f64 {
    f(); // warm up (tables, stemmers)
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < min || runs < 3 {
        f();
        runs += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    bytes as f64 * f64::from(runs) / secs / 1e6
}

fn main() {
    let min = Duration::from_secs(2);
    let mixed = corpus(4 << 20);
    let ascii = english(4 << 20);
    let vocab = varied(4 << 20);
    let normalized = normalize(&mixed);
    println!(
        "corpus: {:.1} MB multilingual ({:.1} MB normalised), {:.1} MB English",
        mixed.len() as f64 / 1e6,
        normalized.len() as f64 / 1e6,
        ascii.len() as f64 / 1e6
    );

    let r = rate(mixed.len(), min, || {
        black_box(normalize(black_box(&mixed)));
    });
    println!("normalize, multilingual:         {r:8.1} MB/s");
    let r = rate(ascii.len(), min, || {
        black_box(normalize(black_box(&ascii)));
    });
    println!("normalize, English (ASCII):      {r:8.1} MB/s");
    let r = rate(normalized.len(), min, || {
        black_box(normalize(black_box(&normalized)));
    });
    println!("normalize, already normalised:   {r:8.1} MB/s");

    for (name, text) in [
        ("multilingual", &normalized),
        ("English", &ascii),
        ("large vocabulary", &vocab),
    ] {
        for mode in [Mode::Index, Mode::Query] {
            let mut n = 0usize;
            let r = rate(text.len(), min, || {
                n = 0;
                tokenize(black_box(text), mode, &mut |t| {
                    n += t.text.len();
                });
                black_box(n);
            });
            let label = format!("tokenize {mode:?}, {name}:");
            println!("{label:<32} {r:8.1} MB/s");
        }
    }

    let r = rate(normalized.len(), min, || {
        black_box(fold(black_box(&normalized)));
    });
    println!("fold:                            {r:8.1} MB/s");
    let r = rate(normalized.len(), min, || {
        black_box(detect_spans(black_box(&normalized)));
    });
    println!("detect_spans:                    {r:8.1} MB/s");

    // find_dates runs per sentence during extraction: measure it that way.
    let anchor = DateValue::ymd(2025, 10, 29).ok();
    for (name, text, lang) in [
        ("multilingual", &normalized, Lang::Und),
        ("English", &ascii, Lang::En),
        ("large vocabulary", &vocab, Lang::En),
    ] {
        let sentences: Vec<&str> = text.split_inclusive(['.', '。', '\n']).collect();
        let mut n = 0usize;
        let r = rate(text.len(), min, || {
            n = 0;
            for s in &sentences {
                n += find_dates(black_box(s), &lang, anchor).len();
            }
            black_box(n);
        });
        let label = format!("find_dates, {name}:");
        println!("{label:<32} {r:8.1} MB/s");
    }
    let mut dense = String::new();
    let mut dense_sentences = Vec::new();
    while dense.len() < 2 << 20 {
        for (p, lang) in &DATE_PARAGRAPHS {
            dense.push_str(p);
            dense_sentences.push((*p, lang.clone()));
        }
    }
    let mut found = 0usize;
    let r = rate(dense.len(), min, || {
        found = 0;
        for (s, lang) in &dense_sentences {
            found += find_dates(black_box(s), lang, anchor).len();
        }
        black_box(found);
    });
    println!(
        "find_dates, date-dense:          {r:8.1} MB/s ({} dates per sentence)",
        found as f64 / dense_sentences.len() as f64
    );
}
