#!/usr/bin/env python3
"""Writes corpus.jsonl, the word_count / char_count contract corpus (stdlib only).

Run from anywhere:  python3 etl-core/src/test/resources/wordcount/generate.py

Each line of corpus.jsonl is one JSON object:

  {"name": ..., "text": ..., "word_count": len(text.split()), "char_count": len(text)}

Large cases do not carry their text; they carry a "recipe" instead, and the Java test
(WordCountCorpusTest) rebuilds the same text from it and checks it against "sha256" (the
SHA-256 of the text's UTF-8 bytes) before asserting the counts. The recipe is a 64-bit LCG:

  x = (x * 6364136223846793005 + 1442695040888963407) mod 2**64;  pick = (x >> 33) % n

appending words[pick(len(words))] then separators[pick(len(separators))] until the text has at
least min_chars code points.

The case named "python_whitespace_set" also carries "whitespace": every code point c with
chr(c).isspace(), i.e. exactly the characters str.split() splits on. The generator computes that
set and asserts it equals the hard-coded list WordCount documents, so a Python whose Unicode
database changes the set fails here instead of silently shifting the contract.
"""

import hashlib
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus.jsonl")

# The set WordCount.isPythonWhitespace implements (see its Javadoc).
WHITESPACE = (
    list(range(0x09, 0x0E))
    + list(range(0x1C, 0x20))
    + [0x20, 0x85, 0xA0, 0x1680]
    + list(range(0x2000, 0x200B))
    + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)

# Characters that look like (or are often mistaken for) spaces but that str.split() keeps.
# U+180E MONGOLIAN VOWEL SEPARATOR was Zs (whitespace) before Unicode 6.3 (Python < 3.4).
NOT_WHITESPACE = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, 0x200E, 0x200F, 0x00AD]

MASK64 = (1 << 64) - 1
LCG_MUL = 6364136223846793005
LCG_ADD = 1442695040888963407


def computed_whitespace():
    return [c for c in range(0x110000) if chr(c).isspace()]


def lcg_text(seed, words, separators, min_chars):
    x = seed
    parts = []
    length = 0

    def pick(n):
        nonlocal x
        x = (x * LCG_MUL + LCG_ADD) & MASK64
        return (x >> 33) % n

    while length < min_chars:
        w = words[pick(len(words))]
        s = separators[pick(len(separators))]
        parts.append(w)
        parts.append(s)
        length += len(w) + len(s)
    return "".join(parts)


NEWS = [
    "The city council voted 7-2 on Tuesday to approve a $4.5 million budget for road repairs, "
    "ending months of debate over how to pay for the work.",
    "Officials said the first phase would begin in March. \"We've waited long enough,\" said "
    "council member Ana Ruiz, who sponsored the measure.\nCritics, however, argued the plan "
    "ignores public transit.",
    "Shares of Acme Corp. rose 3.2% in early trading after the company reported quarterly "
    "earnings of $1.07 per share -- beating analysts' estimates of 98 cents.\r\n\r\n"
    "The results (released before the bell) lifted the broader index.",
    "  Indented paragraph with\ttabs,\ttrailing spaces, and a line break\nin the middle.   ",
]

LARGE_WORDS_ASCII = [
    "the", "council", "voted", "on", "Tuesday", "to", "approve", "a", "$4.5", "million",
    "budget", "for", "road", "repairs,", "ending", "months", "of", "debate.", "\"We've",
    "waited", "long", "enough,\"", "said", "officials", "(Reuters)", "-", "3.2%", "U.S.",
]
LARGE_SEPS_ASCII = [" ", " ", " ", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", ". "]

LARGE_WORDS_MIXED = LARGE_WORDS_ASCII[:10] + [
    "東京都", "日本語の文章です。", "新闻报道", "한국어", "Привет", "مرحبا", "שלום",
    "caf\u00e9", "cafe\u0301", "na\u00efve", "\U0001F600", "\U0001F44D\U0001F3FD",
    "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F1EF\U0001F1F5", "\U00020000\U0002A6D6",
    "zero\u200Bwidth", "soft\u00ADhyphen", "a\u2060b", "\uFEFFbom",
]
LARGE_SEPS_MIXED = [" ", " ", " ", "\n", "\t"] + [chr(c) for c in WHITESPACE] + ["\u3000\u3000"]


def cases():
    out = []

    def add(name, text):
        out.append({"name": name, "text": text})

    # ASCII
    add("ascii_single_word", "hello")
    add("ascii_two_words", "hello world")
    add("ascii_sentence", "The quick brown fox jumps over the lazy dog.")
    add("ascii_punctuation_only", "... !!! ??? -- ,,")
    add("ascii_punctuation_glued", "well,then;so:it-is(not)really\"quoted\"")
    add("ascii_digits", "3.14 2,718 1e10 -42 +7 0x1F")
    add("ascii_controls_not_whitespace", "a\x00b\x01c\x07d\x08e\x1bf\x7fg")
    for i, p in enumerate(NEWS):
        add("news_paragraph_%d" % i, p)
    add("news_article", "\n\n".join(NEWS))

    # CJK
    add("cjk_chinese_no_spaces", "今天天气很好我们去公园散步吧")
    add("cjk_japanese_no_spaces", "東京都は日本の首都です。人口は約千四百万人です。")
    add("cjk_korean_with_spaces", "오늘 날씨가 정말 좋네요")
    add("cjk_ideographic_space", "今天\u3000天气\u3000很好")
    add("cjk_mixed_with_latin", "iPhone 15は日本で発売されました AI研究")
    add("cjk_extension_b_astral", "\U00020000\U00020001 \U0002A6D6\U0002A6DF")
    add("cjk_fullwidth_punctuation", "你好！你好吗？我很好。")

    # Emoji
    add("emoji_single", "\U0001F600")
    add("emoji_separated", "\U0001F600 \U0001F601 \U0001F602")
    add("emoji_glued", "\U0001F600\U0001F601\U0001F602")
    add("emoji_zwj_family", "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466")
    add("emoji_zwj_in_words", "family \U0001F468\u200D\U0001F469\u200D\U0001F467 photo")
    add("emoji_skin_tones", "\U0001F44D\U0001F3FB \U0001F44D\U0001F3FC \U0001F44D\U0001F3FD "
        "\U0001F44D\U0001F3FE \U0001F44D\U0001F3FF")
    add("emoji_zwj_skin_tone_profession", "\U0001F469\U0001F3FD\u200D\U0001F4BB codes")
    add("emoji_flags", "\U0001F1EF\U0001F1F5 \U0001F1FA\U0001F1F8\U0001F1EC\U0001F1E7")
    add("emoji_keycap_and_variation", "1\uFE0F\u20E3 \u2764\uFE0F \u263A\uFE0E")
    add("emoji_in_text", "great game \U0001F3C8\U0001F525 tonight!")

    # Combining marks
    add("combining_precomposed_vs_decomposed", "caf\u00e9 cafe\u0301")
    add("combining_stacked", "Z\u0351\u036b\u0343\u036a\u0302\u036b a\u0300\u0301\u0302\u0303")
    add("combining_lone_mark_after_space", "a \u0301 b")
    add("combining_devanagari", "नमस्ते दुनिया")
    add("combining_thai_no_spaces", "สวัสดีครับ")

    # RTL
    add("rtl_arabic", "مرحبا بالعالم، كيف حالك؟")
    add("rtl_hebrew", "שלום עולם מה שלומך")
    add("rtl_hebrew_niqqud", "בְּרֵאשִׁית בָּרָא")
    add("rtl_mixed_with_marks", "\u200Fשלום\u200F hello \u200Eمرحبا\u200E 123")
    add("rtl_arabic_tatweel_and_digits", "كتـــاب ١٢٣ ٤٥٦")

    # Each Python whitespace character as a separator, alone and in runs.
    for c in WHITESPACE:
        ch = chr(c)
        add("whitespace_sep_U+%04X" % c, "a" + ch + "b")
        add("whitespace_edges_U+%04X" % c, ch + "a" + ch + ch + "b" + ch)
        add("whitespace_only_U+%04X" % c, ch)

    # Look-alikes that are not whitespace: they join words.
    for c in NOT_WHITESPACE:
        ch = chr(c)
        add("not_whitespace_U+%04X" % c, "a" + ch + "b")
        add("not_whitespace_only_U+%04X" % c, ch)
        add("not_whitespace_between_spaces_U+%04X" % c, "a " + ch + " b")

    # Leading / trailing / consecutive whitespace, empty and whitespace-only.
    add("empty", "")
    add("single_space", " ")
    add("leading_spaces", "   leading")
    add("trailing_spaces", "trailing   ")
    add("leading_and_trailing_mixed", " \t\n word \r\n\u00a0")
    add("consecutive_mixed", "a \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u2003\u3000b")
    add("whitespace_only_ascii", " \t\n\r\x0b\x0c")
    add("whitespace_only_all", "".join(chr(c) for c in WHITESPACE))
    add("crlf_lines", "line one\r\nline two\r\n\r\nline three\r\n")
    add("nbsp_glue_misconception", "10\u00a0km and 5\u202fkg")
    add("latin1_non_space", "\u00a1Hola! \u00bfQu\u00e9? \u00d7\u00f7 \u00ff\u00a9")

    # Surrogate pairs (astral plane) count once in char_count.
    add("astral_math_letters", "\U0001D54F \U0001D400\U0001D401")
    add("astral_only", "\U0001F600")
    return out


def large_cases():
    mib = 1 << 20
    return [
        {
            "name": "large_ascii_news_1mib",
            "recipe": {
                "seed": 20240601,
                "words": LARGE_WORDS_ASCII,
                "separators": LARGE_SEPS_ASCII,
                "min_chars": mib,
            },
        },
        {
            "name": "large_mixed_unicode_1mib",
            "recipe": {
                "seed": 7,
                "words": LARGE_WORDS_MIXED,
                "separators": LARGE_SEPS_MIXED,
                "min_chars": mib,
            },
        },
    ]


def main():
    computed = computed_whitespace()
    if computed != WHITESPACE:
        missing = sorted(set(computed) - set(WHITESPACE))
        extra = sorted(set(WHITESPACE) - set(computed))
        sys.exit(
            "Python %s (Unicode %s) disagrees with the documented whitespace set: "
            "isspace() but not listed: %s; listed but not isspace(): %s"
            % (sys.version.split()[0], unicodedata.unidata_version,
               [hex(c) for c in missing], [hex(c) for c in extra])
        )
    for c in NOT_WHITESPACE:
        assert not chr(c).isspace(), hex(c)
    # str.split() splits exactly on isspace(): check it character by character too.
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        assert (len(("a" + chr(c) + "b").split()) == 2) == (c in computed), hex(c)

    records = cases()
    seen = set()
    for r in records:
        text = r["text"]
        r["word_count"] = len(text.split())
        r["char_count"] = len(text)
    ws_case = {
        "name": "python_whitespace_set",
        "text": "".join("w%d%s" % (i, chr(c)) for i, c in enumerate(computed)),
        "whitespace": computed,
        "python_version": sys.version.split()[0],
        "unicode_version": unicodedata.unidata_version,
    }
    ws_case["word_count"] = len(ws_case["text"].split())
    ws_case["char_count"] = len(ws_case["text"])
    records.append(ws_case)
    for r in large_cases():
        rc = r["recipe"]
        text = lcg_text(rc["seed"], rc["words"], rc["separators"], rc["min_chars"])
        r["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        r["word_count"] = len(text.split())
        r["char_count"] = len(text)
        records.append(r)
    for r in records:
        assert r["name"] not in seen, r["name"]
        seen.add(r["name"])

    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            # ensure_ascii keeps the file 7-bit and every invisible character visible as \\uXXXX.
            f.write(json.dumps(r, ensure_ascii=True, sort_keys=False) + "\n")
    print("wrote %d cases to %s" % (len(records), OUT))


if __name__ == "__main__":
    main()
