//! Load time of the bundled gazetteer (with the matcher built) and matcher throughput on
//! multilingual text. `cargo bench -p entente-extract --bench gazetteer`.

use std::time::Instant;

use entente_extract::gazetteer::Gazetteer;

const SAMPLE: &str = "Respected Comrade Kim Jong Un, general secretary of the WPK, met Russian Foreign Minister Sergei Lavrov in Wonsan. \
Лавров провёл переговоры с министром иностранных дел КНДР Чхве Сон Хи; глава МИД России передал привет Путину. \
習近平国家主席は人民大会堂でプーチン大統領と会談した。中国の首相も出席した。\
国家主席习近平在钓鱼台国宾馆会见俄罗斯外长拉夫罗夫，中联部部长刘建超参加。\
경애하는 김정은동지께서 로씨야 외무상 라브로브를 접견하시였다. 푸틴대통령은 평양에 도착했다. \
The Chinese premier and the US president discussed trade in Beijing; Xinhua and TASS reported it.\n";

fn main() {
    let t = Instant::now();
    let g = Gazetteer::bundled().expect("bundled gazetteer loads");
    let load = t.elapsed();
    let m = g.matcher();
    let total = t.elapsed();
    println!(
        "load {:.1} ms, load + matcher {:.1} ms ({} actors, {} patterns)",
        load.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        m.gazetteer().actors().len(),
        m.pattern_count()
    );
    let text: String = SAMPLE.repeat(2000);
    let date = "2024-06-19".parse().ok();
    let mut n = 0;
    let t = Instant::now();
    for _ in 0..3 {
        n += m.find(&text, date).len();
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = 3.0 * text.len() as f64 / 1e6;
    println!(
        "matcher: {:.1} MB/s on multilingual text ({:.1} MB, {} mentions)",
        mb / secs,
        mb,
        n
    );
}
