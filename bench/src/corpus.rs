//! The synthetic multilingual corpus shared by the benchmarks: deterministic sentences about
//! leaders, places and topics in ja, zh-Hans, zh-Hant, ko, ru and en.

/// Small deterministic PRNG (xorshift64*), so every run builds the same corpus.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        // Skewed choice (Zipf-like): low indices are more frequent.
        let a = (self.next() % xs.len() as u64) as usize;
        let b = (self.next() % xs.len() as u64) as usize;
        xs[a.min(b)]
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub struct LangVocab {
    pub lang: &'static str,
    pub people: &'static [&'static str],
    pub places: &'static [&'static str],
    pub verbs: &'static [&'static str],
    pub topics: &'static [&'static str],
    pub filler: &'static [&'static str],
    pub sentence: fn(&mut Rng, &LangVocab) -> String,
}

fn ja(r: &mut Rng, v: &LangVocab) -> String {
    format!(
        "{}は{}で{}と{}し、{}について{}。",
        r.pick(v.people),
        r.pick(v.places),
        r.pick(v.people),
        r.pick(v.verbs),
        r.pick(v.topics),
        r.pick(v.filler)
    )
}
fn zh(r: &mut Rng, v: &LangVocab) -> String {
    format!(
        "{}在{}同{}{}，双方就{}{}。",
        r.pick(v.people),
        r.pick(v.places),
        r.pick(v.people),
        r.pick(v.verbs),
        r.pick(v.topics),
        r.pick(v.filler)
    )
}
fn zht(r: &mut Rng, v: &LangVocab) -> String {
    format!(
        "{}在{}與{}{}，雙方就{}{}。",
        r.pick(v.people),
        r.pick(v.places),
        r.pick(v.people),
        r.pick(v.verbs),
        r.pick(v.topics),
        r.pick(v.filler)
    )
}
fn ko(r: &mut Rng, v: &LangVocab) -> String {
    format!(
        "{}은 {}에서 {}과 {} {}에 대해 {}.",
        r.pick(v.people),
        r.pick(v.places),
        r.pick(v.people),
        r.pick(v.verbs),
        r.pick(v.topics),
        r.pick(v.filler)
    )
}
fn ru(r: &mut Rng, v: &LangVocab) -> String {
    format!(
        "{} {} в {} с {} {} {}.",
        r.pick(v.people),
        r.pick(v.verbs),
        r.pick(v.places),
        r.pick(v.people),
        r.pick(v.topics),
        r.pick(v.filler)
    )
}
fn en(r: &mut Rng, v: &LangVocab) -> String {
    format!(
        "{} {} {} in {} on {}, {}.",
        r.pick(v.people),
        r.pick(v.verbs),
        r.pick(v.people),
        r.pick(v.places),
        r.pick(v.topics),
        r.pick(v.filler)
    )
}

pub const VOCABS: &[LangVocab] = &[
    LangVocab {
        lang: "ja",
        people: &[
            "金正恩総書記",
            "プーチン大統領",
            "習近平国家主席",
            "ラブロフ外相",
            "崔善姫外相",
            "李強首相",
            "王毅外相",
            "ショイグ書記",
        ],
        places: &[
            "平壌",
            "モスクワ",
            "北京",
            "ウラジオストク",
            "ボストーチヌイ宇宙基地",
            "天津",
            "クレムリン",
            "人民大会堂",
        ],
        verbs: &["会談", "会見", "電話会談", "意見交換", "協議"],
        topics: &[
            "経済協力",
            "軍事協力",
            "朝鮮半島情勢",
            "包括的戦略パートナーシップ",
            "貿易",
            "制裁",
            "エネルギー",
        ],
        filler: &[
            "詳しく討議した",
            "意見を交換した",
            "合意した",
            "確認した",
            "強調した",
        ],
        sentence: ja,
    },
    LangVocab {
        lang: "zh-Hans",
        people: &[
            "习近平主席",
            "普京总统",
            "金正恩委员长",
            "王毅外长",
            "拉夫罗夫外长",
            "李强总理",
            "崔善姬外相",
            "赵乐际委员长",
        ],
        places: &[
            "北京",
            "莫斯科",
            "平壤",
            "天津",
            "人民大会堂",
            "钓鱼台国宾馆",
            "克里姆林宫",
            "上海",
        ],
        verbs: &["举行会谈", "会见", "通电话", "举行会晤", "交换意见"],
        topics: &[
            "双边关系",
            "经贸合作",
            "全面战略协作伙伴关系",
            "朝鲜半岛局势",
            "上海合作组织",
            "金砖国家",
            "能源合作",
        ],
        filler: &[
            "深入交换了意见",
            "达成广泛共识",
            "签署了联合声明",
            "表示满意",
            "进行了友好交谈",
        ],
        sentence: zh,
    },
    LangVocab {
        lang: "zh-Hant",
        people: &[
            "習近平主席",
            "普京總統",
            "金正恩委員長",
            "王毅外長",
            "拉夫羅夫外長",
            "賴清德",
            "崔善姬外相",
            "趙樂際委員長",
        ],
        places: &[
            "北京",
            "莫斯科",
            "平壤",
            "天津",
            "人民大會堂",
            "釣魚臺國賓館",
            "克里姆林宮",
            "臺北",
        ],
        verbs: &["舉行會談", "會見", "通電話", "舉行會晤", "交換意見"],
        topics: &[
            "雙邊關係",
            "經貿合作",
            "全面戰略協作夥伴關係",
            "朝鮮半島局勢",
            "上海合作組織",
            "金磚國家",
            "能源合作",
        ],
        filler: &[
            "深入交換了意見",
            "達成廣泛共識",
            "簽署了聯合聲明",
            "表示滿意",
            "進行了友好交談",
        ],
        sentence: zht,
    },
    LangVocab {
        lang: "ko",
        people: &[
            "김정은 위원장",
            "푸틴 대통령",
            "시진핑 주석",
            "최선희 외무상",
            "라브로프 외무장관",
            "리창 총리",
            "김여정 부부장",
            "쇼이구 서기",
        ],
        places: &[
            "평양",
            "모스크바",
            "베이징",
            "블라디보스토크",
            "보스토치니 우주기지",
            "톈진",
            "크렘린궁",
            "인민대회당",
        ],
        verbs: &[
            "회담하고",
            "회견하고",
            "전화통화하고",
            "의견을 교환하고",
            "협의하고",
        ],
        topics: &[
            "경제협력",
            "군사협력",
            "조선반도 정세",
            "포괄적 전략적 동반자 관계",
            "무역",
            "제재",
            "에너지",
        ],
        filler: &[
            "심도있게 토의했다",
            "의견을 교환했다",
            "합의했다",
            "확인했다",
            "강조했다",
        ],
        sentence: ko,
    },
    LangVocab {
        lang: "ru",
        people: &[
            "Владимир Путин",
            "Ким Чен Ын",
            "Си Цзиньпин",
            "Сергей Лавров",
            "Цой Сон Хи",
            "Ли Цян",
            "Ван И",
            "Сергей Шойгу",
        ],
        places: &[
            "Москве",
            "Пхеньяне",
            "Пекине",
            "Владивостоке",
            "Кремле",
            "Тяньцзине",
            "Казани",
            "Улан-Удэ",
        ],
        verbs: &[
            "провёл переговоры",
            "встретился",
            "провёл телефонный разговор",
            "обсудил",
            "подписал соглашение",
        ],
        topics: &[
            "о всеобъемлющем стратегическом партнёрстве",
            "о торгово-экономическом сотрудничестве",
            "о ситуации на Корейском полуострове",
            "о военном сотрудничестве",
            "о санкциях",
            "об энергетике",
        ],
        filler: &[
            "сообщает ТАСС",
            "заявил представитель МИД",
            "отметили стороны",
            "подчеркнул президент",
            "говорится в заявлении",
        ],
        sentence: ru,
    },
    LangVocab {
        lang: "en",
        people: &[
            "Kim Jong Un",
            "Vladimir Putin",
            "Xi Jinping",
            "Sergei Lavrov",
            "Choe Son Hui",
            "Li Qiang",
            "Wang Yi",
            "Sergei Shoigu",
        ],
        places: &[
            "Pyongyang",
            "Moscow",
            "Beijing",
            "Vladivostok",
            "the Vostochny Cosmodrome",
            "Tianjin",
            "the Kremlin",
            "the Great Hall of the People",
        ],
        verbs: &[
            "held talks with",
            "met",
            "received",
            "had a phone call with",
            "exchanged views with",
        ],
        topics: &[
            "the comprehensive strategic partnership",
            "economic and trade cooperation",
            "the situation on the Korean Peninsula",
            "military cooperation",
            "sanctions",
            "energy supplies",
        ],
        filler: &[
            "KCNA reported",
            "the Kremlin said",
            "officials said",
            "according to Xinhua",
            "the two sides agreed",
        ],
        sentence: en,
    },
];

pub const OUTLETS: &[&str] = &[
    "KCNA",
    "Rodong Sinmun",
    "Xinhua",
    "TASS",
    "Yonhap",
    "NHK",
    "Kyodo",
    "People's Daily",
    "RIA Novosti",
    "CCTV",
];

/// Writes `n` articles into `dir` as JSON Lines files of 10,000 records; returns the files.
#[allow(dead_code)] // not every benchmark binary that includes this module generates
pub fn generate(dir: &std::path::Path, n: usize) -> anyhow::Result<Vec<std::path::PathBuf>> {
    generate_with(dir, n, 0x5eed_1234_abcd_ef01, "corpus")
}

/// [`generate`] with another seed and file name prefix: a corpus of other articles.
#[allow(dead_code)]
pub fn generate_with(
    dir: &std::path::Path,
    n: usize,
    seed: u64,
    prefix: &str,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    use std::io::Write;
    let mut rng = Rng(seed);
    let mut files = Vec::new();
    let mut out: Option<std::io::BufWriter<std::fs::File>> = None;
    for i in 0..n {
        if i % 10_000 == 0 {
            let path = dir.join(format!("{prefix}-{:03}.jsonl", i / 10_000));
            out = Some(std::io::BufWriter::new(std::fs::File::create(&path)?));
            files.push(path);
        }
        let v = &VOCABS[(rng.below(VOCABS.len() as u64)) as usize];
        let mut text = String::with_capacity(2300);
        let mut para = 0;
        while text.len() < 2000 {
            text.push_str(&(v.sentence)(&mut rng, v));
            para += 1;
            if para % 4 == 0 {
                text.push_str("\n\n");
            } else if v.lang == "ru" || v.lang == "en" || v.lang == "ko" {
                text.push(' ');
            }
        }
        // A serial number keeps every article distinct (no accidental duplicates).
        // (The default corpus keeps the text it always had, so figures stay comparable.)
        let serial = if prefix == "corpus" {
            format!("[{i}]")
        } else {
            format!("[{prefix} {i}]")
        };
        text.push_str(&format!("\n\n{serial}"));
        let title = (v.sentence)(&mut rng, v);
        let rec = serde_json::json!({
            "title": title,
            "text": text,
            "outlet": OUTLETS[rng.below(OUTLETS.len() as u64) as usize],
            "lang": v.lang,
            "published": format!("{}-{:02}-{:02}", 2010 + rng.below(16), 1 + rng.below(12), 1 + rng.below(28)),
            "url": if prefix == "corpus" {
                format!("https://example.org/bench/{i}")
            } else {
                format!("https://example.org/bench/{prefix}/{i}")
            },
        });
        if let Some(w) = out.as_mut() {
            serde_json::to_writer(&mut *w, &rec)?;
            w.write_all(b"\n")?;
        }
    }
    if let Some(mut w) = out {
        w.flush()?;
    }
    Ok(files)
}
