"""Write sample_corpora/chinese.txt, chinese.groups.tsv and chinese.analogies.txt (deterministic: fixed seed).

Run from the repository root:  .venv/bin/python sample_corpora/make_chinese.py
(--check: only compare with the files on disk, exit 1 if they differ.)

The corpus is built like the English samples: regular sentence templates, a small vocabulary and a
lot of repetition, so that a few thousand tokens are enough for Word2Vec to learn the planted
structure. Three parts, one sentence per line, written without spaces (as Chinese is), so the
segmenter has to find the words:
  1. people: every person word has three features, royal or common, male or female, adult or
     young, and each feature has its own contexts (royal: 王座, 王冠, 宫殿; male: 他; female: 她;
     adult: 成年人, 智慧; young: 学校, 玩具...). So 国王 - 男人 + 女人 lands near 王后.
  2. countries, capitals and languages: a capital shares contexts with its own country (its food,
     sight and language: 巴黎的奶酪很有名, 人们在巴黎说法语), a language shares the food and sight
     (奶酪用法语怎么说); 巴黎 - 法国 + 德国 lands near 柏林, 法国 : 法语 :: 德国 : 德语.
  3. fruits, animals, verbs and colours: four groups that fill four different kinds of slot.
What made the analogies work (tried while writing this): the words of one group must get the same
mix of templates (draw() below; every country and capital gets every template once), and the
planted context must sit within two tokens of the word, counting particles such as 的, 在, 了 that
the segmenter splits off (window 2). With random template choices, 巴黎 - 法国 + 德国 found 柏林 for
only about 40 of the 90 capital pairs.
All sentences are ours, generated here. Every planted word is a single jieba token (checked below,
with the app's own tokenizer), so no user dictionary is needed.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from itertools import permutations
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20240917

# ----------------------------------------------------------------------------- 1. people
# word: (royal, male, adult)
PEOPLE = {
    "国王": (True, True, True), "王后": (True, False, True),
    "王子": (True, True, False), "公主": (True, False, False),
    "男人": (False, True, True), "女人": (False, False, True),
    "父亲": (False, True, True), "母亲": (False, False, True),
    "丈夫": (False, True, True), "妻子": (False, False, True),
    "男孩": (False, True, False), "女孩": (False, False, False),
    "儿子": (False, True, False), "女儿": (False, False, False),
}
COUPLES = [("国王", "王后"), ("王子", "公主"), ("男人", "女人"), ("父亲", "母亲"), ("丈夫", "妻子"),
           ("男孩", "女孩"), ("儿子", "女儿")]
GROWS_UP = [("王子", "国王"), ("公主", "王后"), ("男孩", "男人"), ("女孩", "女人"), ("儿子", "父亲"),
            ("女儿", "母亲")]
FEELINGS = ["累", "高兴", "难过", "冷", "忙", "饿"]
THINGS = ["书", "帽子", "杯子", "外套", "手套", "钥匙"]

GENDER = [  # {w} a person, {p} 他 or 她
    "{w}说{p}很{feeling}", "{w}开心地笑了，因为{p}很高兴", "{w}拿起了{p}的{thing}", "{w}丢了{p}的{thing}",
    "{p}是{w}", "{w}说{p}准备好了", "{w}觉得{p}有点{feeling}", "{p}的{thing}在{w}那里",
]
ROYAL = [
    "{w}坐在王座上", "{w}戴着金色的王冠", "{w}住在宫殿里", "{w}统治着整个王国", "仆人们向{w}鞠躬",
    "卫兵们保护着{w}", "{w}在宫殿里接见大臣", "{w}骑马穿过王国", "{w}万岁",
]
COMMON = [
    "{w}住在村子里的一座小房子里", "{w}在市场上卖面包", "{w}在田里干活", "一个贫穷的{w}来自村子",
    "{w}在家里做晚饭", "{w}去市场买面包", "{w}每天在田里种菜",
]
ADULT = ["{w}已经是成年人了", "{w}年纪大了，很有智慧", "{w}给大家提建议", "{w}比孩子们年纪大"]
YOUNG = ["{w}还很年轻，个子也小", "{w}每天去学校上学", "{w}在玩玩具", "{w}还是个孩子"]
PAIRS = ["{m}和{f}一起散步", "{m}和{f}住在一起", "{f}和{m}一起吃晚饭"]
GROW = ["总有一天{y}会长大，成为{a}", "{y}长大以后会成为{a}"]

# ----------------------------------------------------------------------------- 2. countries
# country, capital, language, two things the place is known for
COUNTRIES = [
    ("中国", "北京", "中文", "饺子", "长城"), ("日本", "东京", "日语", "寿司", "富士山"),
    ("法国", "巴黎", "法语", "奶酪", "铁塔"), ("德国", "柏林", "德语", "香肠", "城堡"),
    ("英国", "伦敦", "英语", "红茶", "大钟"), ("俄罗斯", "莫斯科", "俄语", "鱼子酱", "森林"),
    ("意大利", "罗马", "意大利语", "披萨", "教堂"), ("西班牙", "马德里", "西班牙语", "火腿", "海滩"),
    ("韩国", "首尔", "韩语", "泡菜", "汉江"), ("埃及", "开罗", "阿拉伯语", "椰枣", "金字塔"),
]
CAPITAL_OF = [
    "{capital}是{country}的首都", "{country}的首都是{capital}", "{country}是一个国家，{capital}是它的首都",
]
COUNTRY = ["{country}是一个国家", "{country}的总统发表了讲话", "{country}的政府在{capital}开会",
           "{country}有很多河流", "我们的朋友来自{country}"]
CAPITAL = ["{capital}是一座大城市", "{capital}的市长开通了一座新桥", "{capital}的街道很热闹",
           "{capital}这座城市从来不睡觉", "她在{capital}的一家医院工作"]
PLACE_LANGUAGE = ["人们在{place}说{language}", "{language}在{place}很常用", "{place}通用{language}",
                  "在{place}说{language}的人很多"]
LANGUAGE_THINGS = ["{food}用{language}怎么说", "{sight}用{language}怎么说", "我会用{language}说{food}"]
LANGUAGE = ["我在学校学习{language}", "这本书是用{language}写的", "{language}是一门语言"]
KNOWN_FOR = ["我们去{place}吃{food}", "{place}的{food}很有名", "我们去{place}看{sight}", "{place}的{sight}很美",
             "{place}有{sight}", "{place}有好吃的{food}", "{place}以{food}和{sight}闻名",
             "{food}和{sight}让{place}很有名"]

# ----------------------------------------------------------------------------- 3. fruits, animals, verbs, colours
FRUITS = ["苹果", "香蕉", "葡萄", "西瓜", "橙子", "草莓", "桃子", "樱桃", "芒果", "柠檬"]
ANIMALS = ["狗", "猫", "兔子", "老虎", "狮子", "熊", "猴子", "大象", "奶牛", "绵羊"]
VERBS = ["跑步", "跳舞", "游泳", "睡觉", "散步", "躲藏", "休息", "玩耍"]
COLOURS = ["红色", "绿色", "黄色", "蓝色", "白色", "紫色"]
FRUIT = ["这些{f}很甜", "{f}又甜又多汁", "我们在市场上买了新鲜的{f}", "{f}挂在树上",
         "把{f}放进果盘里", "她把{f}切开了", "早饭我吃了{f}", "{f}的味道很甜", "{f}熟了，很好吃",
         "他把{f}洗干净了"]
ANIMAL = ["{a}有四条腿", "农民喂了{a}", "{a}在田野里{v}", "野生的{a}整天都在{v}", "{a}和它的朋友一起{v}",
          "那只年轻的{a}在{v}", "我们在动物园看到了{a}", "{a}饿了"]
VERB = ["孩子们喜欢{v}", "他每天早上都去{v}", "我们下午一起{v}吧", "{a}先{v}，然后{v2}", "她很喜欢{v}"]
COLOUR = ["我最喜欢的颜色是{c}", "她把墙刷成了{c}", "他穿着一件{c}的衬衫", "天空变成了{c}", "门被漆成了{c}"]


def draw(rng: random.Random, templates: list, n: int) -> list:
    """n templates, every one used equally often (whole shuffled rounds, then part of one more), so that
    words of one group get the same mix of contexts and differ only in what is planted."""
    out = []
    while len(out) < n:
        out += rng.sample(templates, len(templates))
    return out[:n]


def people_sentences(rng: random.Random) -> list:
    out = []
    for w, (royal, male, adult) in PEOPLE.items():
        p = "他" if male else "她"
        for t in draw(rng, GENDER, 9):
            out.append(t.format(w=w, p=p, feeling=rng.choice(FEELINGS), thing=rng.choice(THINGS)))
        out += [t.format(w=w) for t in draw(rng, ROYAL if royal else COMMON, 8)]
        out += [t.format(w=w) for t in draw(rng, ADULT if adult else YOUNG, 5)]
    for m, f in COUPLES:
        out += [t.format(m=m, f=f) for t in draw(rng, PAIRS, 2)]
    for y, a in GROWS_UP:
        out += [t.format(y=y, a=a) for t in draw(rng, GROW, 2)]
    return out


def country_sentences() -> list:
    out = []
    for country, capital, language, food, sight in COUNTRIES:
        out += [t.format(country=country, capital=capital) for t in CAPITAL_OF]
        out += [t.format(country=country, capital=capital) for t in COUNTRY]
        out += [t.format(capital=capital) for t in CAPITAL]
        for place in (country, capital):         # what a capital shares with its own country
            out += [t.format(place=place, language=language) for t in PLACE_LANGUAGE]
            out += [t.format(place=place, food=food, sight=sight) for t in KNOWN_FOR]
        out += [t.format(language=language, food=food, sight=sight) for t in LANGUAGE_THINGS]
        out += [t.format(language=language) for t in LANGUAGE]
    return out


def nature_sentences(rng: random.Random) -> list:
    out = []
    for f in FRUITS:
        out += [rng.choice(FRUIT).format(f=f) for _ in range(10)]
    for a in ANIMALS:
        out += [rng.choice(ANIMAL).format(a=a, v=rng.choice(VERBS)) for _ in range(10)]
    for v in VERBS:
        for _ in range(6):
            v2 = rng.choice([x for x in VERBS if x != v])
            out.append(rng.choice(VERB).format(v=v, v2=v2, a=rng.choice(ANIMALS)))
    for c in COLOURS:
        out += [rng.choice(COLOUR).format(c=c) for _ in range(6)]
    return out


def corpus_text() -> str:
    rng = random.Random(SEED)
    lines = people_sentences(rng) + country_sentences() + nature_sentences(rng)
    rng.shuffle(lines)
    return "".join(line + "。\n" for line in lines)


def groups_text() -> str:
    rows = ["# word<TAB>group for chinese.txt (written by make_chinese.py)"]
    for w, (royal, male, adult) in PEOPLE.items():
        rows.append(f"{w}\t{'royal' if royal else ('male' if male else 'female')}")
    rows += [f"{c[0]}\tcountry" for c in COUNTRIES] + [f"{c[1]}\tcapital" for c in COUNTRIES]
    rows += [f"{c[2]}\tlanguage" for c in COUNTRIES]
    rows += [f"{w}\tfruit" for w in FRUITS] + [f"{w}\tanimal" for w in ANIMALS]
    rows += [f"{w}\tverb" for w in VERBS] + [f"{w}\tcolour" for w in COLOURS]
    return "\n".join(rows) + "\n"


def analogies_text() -> str:
    """Google questions-words format: 'a b c d' means a : b :: c : d, i.e. d ≈ b - a + c."""
    out = [": gender"]
    out += [f"{a} {b} {c} {d}" for (a, b), (c, d) in permutations(COUPLES, 2)]
    out.append(": royalty")
    royal = [("男人", "国王"), ("女人", "王后"), ("男孩", "王子"), ("女孩", "公主")]
    out += [f"{a} {b} {c} {d}" for (a, b), (c, d) in permutations(royal, 2)]
    out.append(": capital-country")
    out += [f"{a[1]} {a[0]} {b[1]} {b[0]}" for a, b in permutations(COUNTRIES, 2)]
    out.append(": country-language")
    out += [f"{a[0]} {a[2]} {b[0]} {b[2]}" for a, b in permutations(COUNTRIES, 2)]
    return "\n".join(out) + "\n"


def planted_words() -> list:
    return [line.split("\t")[0] for line in groups_text().splitlines() if not line.startswith("#")]


def check_segmentation(text: str) -> None:
    """Every planted word must come out of the app's tokenizer as one token, as often as it was written
    (and each country's food and sight at least once)."""
    sys.path.insert(0, str(HERE.parent))
    from engine.corpus import sentences_from_text

    tokens = Counter(t for s in sentences_from_text(text) for t in s)
    words = planted_words()
    for w in words:
        written = text.count(w) - sum(text.count(longer) for longer in words if w in longer and w != longer)
        if tokens[w] != written:
            raise SystemExit(f"{w!r}: written {written} times but segmented as a token {tokens[w]} times")
    for w in [x for c in COUNTRIES for x in c[3:]]:
        if not tokens[w]:
            raise SystemExit(f"{w!r} is never a token")
    print(f"{sum(tokens.values())} tokens, {len(tokens)} types; every planted word is a single token")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the files on disk; write nothing")
    args = ap.parse_args()
    files = {"chinese.txt": corpus_text(), "chinese.groups.tsv": groups_text(),
             "chinese.analogies.txt": analogies_text()}
    check_segmentation(files["chinese.txt"])
    if args.check:
        stale = [n for n, t in files.items() if (HERE / n).read_text(encoding="utf-8") != t]
        print("out of date: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8")
        print("wrote", name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
