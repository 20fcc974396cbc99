#!/usr/bin/env python3
"""Writes N short filler articles as JSON Lines for bench/brief.sh: routine news in six
languages (weather, markets, harvests, sport, culture) that name no tracked leader, so they
grow the knowledge base and the search index without adding events. Deterministic.

Usage: bench/brief/filler.py N OUT_DIR      (files of 100,000 records)
"""
import json, os, random, sys

VOCAB = {
    "en": (["Rain", "Markets", "The harvest", "The festival", "Rail traffic", "The league", "Exports of fruit", "A new museum"],
           ["rose", "fell", "opened", "closed", "drew crowds", "was delayed", "set a record", "slowed"],
           ["in the north", "along the coast", "in the capital", "across the region", "this week", "for the season"]),
    "ru": (["Дожди", "Рынки", "Урожай", "Фестиваль", "Железная дорога", "Лига", "Экспорт фруктов", "Новый музей"],
           ["выросли", "снизились", "открылся", "закрылся", "собрал зрителей", "задержался", "установил рекорд"],
           ["на севере", "на побережье", "в столице", "в регионе", "на этой неделе", "в этом сезоне"]),
    "ja": (["大雨", "株式市場", "収穫", "祭り", "鉄道", "リーグ戦", "果物の輸出", "新しい美術館"],
           ["が続いた", "が上昇した", "が始まった", "が終わった", "に人が集まった", "が遅れた", "が記録を更新した"],
           ["北部で", "沿岸で", "首都で", "地域全体で", "今週", "今季"]),
    "zh": (["降雨", "股市", "收成", "节日活动", "铁路运输", "联赛", "水果出口", "新博物馆"],
           ["增加", "下跌", "开幕", "闭幕", "吸引游客", "推迟", "创下纪录"],
           ["在北方", "在沿海地区", "在首都", "在全区", "本周", "本季"]),
    "ko": (["장마", "증시", "수확", "축제", "철도 운행", "리그", "과일 수출", "새 박물관"],
           ["가 이어졌다", "가 올랐다", "가 시작됐다", "가 끝났다", "에 관객이 몰렸다", "가 늦어졌다"],
           ["북부에서", "해안에서", "수도에서", "지역 전체에서", "이번 주", "이번 시즌"]),
}
OUTLETS = ["Regional Daily", "Metro News", "Harbour Times", "Valley Post", "City Wire"]

def sentence(r, lang):
    a, b, c = VOCAB[lang]
    s, v, w = r.choice(a), r.choice(b), r.choice(c)
    return {"en": f"{s} {v} {w}.", "ru": f"{s} {v} {w}.", "ja": f"{w}{s}{v}。",
            "zh": f"{w}{s}{v}。", "ko": f"{w} {s}{v}."}[lang]

def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    r = random.Random(20261122)
    f = None
    for i in range(n):
        if i % 100_000 == 0:
            if f: f.close()
            f = open(os.path.join(out, f"filler-{i // 100_000:03d}.jsonl"), "w", encoding="utf-8")
        lang = r.choice(list(VOCAB))
        text = " ".join(sentence(r, lang) for _ in range(r.randint(3, 6))) + f" [{i}]"
        rec = {"title": sentence(r, lang), "text": text, "outlet": r.choice(OUTLETS), "lang": lang,
               "published": f"{r.randint(2016, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"}
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if f: f.close()

if __name__ == "__main__":
    main()
