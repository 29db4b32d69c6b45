"""Per-camp blocklist of words and phrases, and the link and contact rules for youth.

How a message is read (docs/live-protocol.md §9, "The chat filter"):

1. **Folded once** (`fold`): NFKC (full width, ligatures, 𝐟𝐚𝐧𝐜𝐲 letters), invisible characters out
   (zero-width, bidi controls, soft hyphen, variation selectors, fillers), Thai/Lao SARA AM put back
   together after NFKC split it, Greek/Cyrillic/small-capital look-alikes to Latin letters, accents
   off Latin letters, case folded. The stored message is never changed, only read this way.
2. **Words.** Latin terms are whole words (`Scunthorpe` is fine) whatever stands between their
   letters (`f.u.c.k`), letters repeated (`fuuuck`), digits/symbols for letters (`sh1t`, `f*ck`) and
   with English endings (`bitches`). Terms in other scripts (Chinese, Thai, Lao, Burmese, ...) match
   on **word boundaries**: ICU's dictionary-based word break (the icu4py wheel bundles ICU and its
   Thai, Lao, Burmese, Khmer and Chinese dictionaries) cuts the message into words once, and a term
   must be whole words of it — so "หี" never matches inside "หีบ" (box), "妈的" not inside
   "我妈妈的" (my mum's), "去死" not inside "过去死了". Spaces and dots between the words do not
   help (`ไอ้ สัตว์`, `ค.ว.ย`). A term the dictionary does not know (slang, loanwords) still matches
   where reading it as one word cuts that stretch into fewer words than ICU's reading did, and never
   inside a syllable (maximal matching with the camp's terms as extra dictionary words). Chinese
   terms ending in the particle 的 (他妈的) are not read as curses where they are a possessive
   ("我妈的手机": right after a pronoun, or followed by a noun).
3. **Links** (youth, unless the room allows them): schemes, www., domains — also written
   `evil。com`, `evil[.]com`, `evil(dot)com`, `evil . com`, `evil点com` — and bare IPv4 addresses.
   Times and decimals (3.30, 1.5 cm), `ok...` and `Hi.I am` are not links.
4. **Contacts** (youth, always): a WeChat/QQ/LINE/Telegram/WhatsApp/Viber/... id after its cue word
   (微信, 加V, vx, QQ, line id, ไลน์, ໄລນ໌, tg, ...), and phone numbers.

`content_refusal` says which rule refused (WORD, LINK, CONTACT); `BlockedContent` is the error the
services raise, with a kind, translated message per reason and the reason in the protocol's frame.
"""

import bisect
import re
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from icu4py.breakers import WordBreaker

from live.models import BlockedTerm
from live.services.errors import BLOCKED_CONTENT, LiveError

# Starter lists: common insults and profanity (mild to moderate, with the spellings youth use to get
# past a filter), plus the phrases used to pull a child into a private channel (no private messages
# exist here, so asking for one is itself the red flag). live/migrations/0004 gives them to the camps
# that existed before; a new camp gets them from a signal.
STARTER_TERMS: dict[str, list[str]] = {
    "zh-hans": [
        "傻逼", "傻b", "煞笔", "操你", "草泥马", "他妈的", "你妈的", "妈的", "去死", "滚蛋", "贱人", "婊子",
        "王八蛋", "白痴", "脑残", "加我微信", "加微信", "微信号", "私聊", "加我qq",
        "傻x", "沙比", "操你妈", "去你妈的", "狗日的", "狗东西", "贱货", "死全家", "弱智", "你个废物",
        "去死吧", "给我去死", "不去死", "cnm", "nmsl", "tmd", "sb", "加我v", "加我vx", "私信我",
    ],
    "en": [
        "fuck", "fucking", "shit", "bitch", "bastard", "asshole", "dick", "cunt", "slut", "whore", "retard",
        "kill yourself", "kys", "nudes", "send pics", "add me on", "my snapchat", "dm me", "private chat",
        "fck", "motherfucker", "bullshit", "dumbass", "jackass", "wtf", "stfu", "moron", "kill urself",
        "go die", "send nudes", "dont tell your parents", "our little secret",
    ],
    "th": [
        "ควย", "เหี้ย", "สัส", "สัตว์นรก", "ไอ้สัตว์", "เย็ด", "หี", "แม่ง", "ระยำ", "ชิบหาย", "อีดอก", "ไอ้เวร",
        "ขอไลน์", "แอดไลน์", "ทักแชท",
        "เชี่ย", "สัด", "อีดอกทอง", "ดอกทอง", "อีกะหรี่", "ส้นตีน", "ไอ้ควาย", "อีควาย", "มึง", "พ่อมึง",
        "แม่มึง", "ไปตายซะ", "ไอ้หมา", "ห่าราก", "ไอ้ห่า", "อีห่า", "ไอ้บ้า", "อีบ้า", "ปัญญาอ่อน", "เฮงซวย",
        "ขอเบอร์", "ขอไอดีไลน์", "ทักไลน์มา",
    ],
    "lo": [
        "ຄວຍ", "ຫີ", "ເຢັດ", "ໄອ້ສັດ", "ອີ່ສັດ", "ໄອ້ຫ່າ", "ອີ່ຫ່າ", "ຫ່າກິນ", "ໄອ້ຄວາຍ", "ອີ່ຄວາຍ",
        "ໄອ້ບ້າ", "ອີ່ບ້າ", "ໄອ້ໂງ່", "ມຶງ", "ແມ່ມຶງ", "ພໍ່ມຶງ", "ໄປຕາຍ", "ໄອ້ໝາ",
        "ຂໍເບີ", "ຂໍເບີໂທ", "ແອັດໄລນ໌", "ຂໍໄລນ໌", "ທັກແຊັດ",
    ],
    "my": [
        "မအေလိုး", "မေလိုး", "လိုးမ", "ငါလိုး", "ခွေးမသား", "ခွေးသား", "စောက်ရူး", "စောက်ပေါ",
        "စောက်ကောင်", "ငတုံး", "လီးပဲ", "လီးဘဲ", "ဖာသည်မ", "သေနာ", "သေနာကောင်", "ကောင်စုတ်",
        "ဖုန်းနံပါတ်ပေး", "ဗိုင်ဘာပေး", "အကောင့်ပေး",
    ],
}

WORD = "word"
LINK = "link"
CONTACT = "contact"

# What the youth reads (the room page hands these to the JS client as err_blocked_content_<reason>).
REFUSAL_MESSAGES = {
    WORD: _("Let's keep the chat kind: this message has a word the camp does not allow. "
            "Could you say it another way?"),
    LINK: _("Links cannot be shared in this room. If you want to show something, ask your teacher."),
    CONTACT: _("To keep everyone safe, please don't share phone numbers or chat IDs here. "
               "Keep talking in class — your teacher can help."),
}
# The frame's `detail` (English, for developers).
REFUSAL_DETAILS = {
    WORD: "This message contains a word the camp does not allow.",
    LINK: "Links are not allowed in this room.",
    CONTACT: "Phone numbers and messenger ids are not allowed from youth.",
}


class BlockedContent(LiveError):
    """`blocked_content`, with the rule that refused (`reason`: word, link or contact)."""

    def __init__(self, reason: str):
        super().__init__(BLOCKED_CONTENT, REFUSAL_DETAILS[reason], message=REFUSAL_MESSAGES[reason])
        self.reason = reason


# --- folding ------------------------------------------------------------------------------------

# Format characters (Unicode category Cf: zero-width space/joiners, bidi controls, soft hyphen, tags)
# and other invisible ones (combining grapheme joiner, variation selectors, Hangul fillers, braille
# blank, Khmer inherent vowels, Mongolian selectors).
_INVISIBLE_RE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\uffa0\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)
# Combining marks of Latin, Greek and Cyrillic letters (accents, strike-through, enclosing): taken
# off so that "fück" and "f̶u̶c̶k̶" read as "fuck". Thai, Lao and Burmese marks are elsewhere.
_LATIN_MARKS_RE = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters that look like Latin ones (lower case; the capitals are derived below).
_LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ь": "b", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y", "ɡ": "g", "ц": "u", "г": "r",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v",
    "ο": "o", "ρ": "p", "ς": "s", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
    # Latin small capitals and other look-alikes, Armenian
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
    "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u",
    "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ı": "i", "ɑ": "a", "ɩ": "i", "ƒ": "f", "ø": "o", "đ": "d",
    "ħ": "h", "ł": "l", "ŧ": "t", "օ": "o", "ս": "u", "հ": "h", "ո": "n",
}
_LOOKALIKE_TABLE = str.maketrans({
    **_LOOKALIKES,
    **{k.upper(): v.upper() for k, v in _LOOKALIKES.items() if len(k.upper()) == 1 and k.upper() != k},
})
# Thai, Lao and Myanmar digits, for phone numbers and addresses.
_DIGITS_TABLE = str.maketrans({chr(base + i): str(i) for base in (0x0E50, 0x0ED0, 0x1040, 0x1090) for i in range(10)})
# A character repeated three times or more in Thai, Lao or Burmese is one ("เหี้ยยยย", "มากกกก").
_ELONGATED_RE = re.compile(r"([\u0e00-\u0eff\u1000-\u109f])\1{2,}")


def fold_case_kept(text: str) -> str:
    """Step 1 of the module doc except case folding (links need to see case)."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    text = _INVISIBLE_RE.sub("", text)
    # NFKC splits SARA AM (ำ, ຳ) into NIKHAHIT + SARA AA, which no dictionary knows: put it back.
    text = text.replace("\u0e4d\u0e32", "\u0e33").replace("\u0ecd\u0eb2", "\u0eb3")
    text = text.translate(_LOOKALIKE_TABLE)
    if _LATIN_MARKS_RE.search(unicodedata.normalize("NFD", text)):
        text = unicodedata.normalize("NFC", _LATIN_MARKS_RE.sub("", unicodedata.normalize("NFD", text)))
    return text


def fold(text: str) -> str:
    """The text as the filter reads it: "ＦＵＣＫ", "f\u200buck" and "fυck" (Greek u) are "fuck"."""
    return fold_case_kept(text).casefold()


normalize = fold  # the earlier name


# --- words --------------------------------------------------------------------------------------


def _mark_ranges() -> str:
    """The combining marks of the BMP (Thai and Lao vowels and tone marks, Burmese medials and vowel
    signs, ...) as a regex class body: letters, digits and these are what words are made of."""
    marks = [cp for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp))[0] == "M"]
    ranges, start, prev = [], marks[0], marks[0]
    for cp in marks[1:]:
        if cp != prev + 1:
            ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


_WORD_RUN_RE = re.compile(r"(?:[^\W_]|[" + _mark_ranges() + r"])+")  # letters, digits, marks
_ASCII_LETTER_RE = re.compile(r"[a-z]", re.IGNORECASE)
_ASCII_ALNUM_RE = re.compile(r"[a-z0-9]", re.IGNORECASE)


def _squash(text: str) -> str:
    """A term without spaces and punctuation; letters, digits and marks (Thai vowels!) kept."""
    return "".join(_WORD_RUN_RE.findall(text))


# Where a word may not begin or end even if a segmenter said so: inside a syllable.
_THAI_LAO_FOLLOWING = set("\u0e30\u0e32\u0e33\u0e45\u0e46\u0e2f\u0eb0\u0eb2\u0eb3\u0ec6")  # ะ า ำ ๅ ๆ ฯ ະ າ ຳ ໆ
_THAI_LAO_LEADING = set("\u0e40\u0e41\u0e42\u0e43\u0e44\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4")  # เ แ โ ใ ไ ເ ແ ໂ ໃ ໄ
_MY_ASAT, _MY_VIRAMA = "\u103a", "\u1039"


def _cluster_boundary(text: str, i: int) -> bool:
    """May a word begin/end at text[i] (between text[i-1] and text[i])?"""
    if i <= 0 or i >= len(text):
        return True
    before, after = text[i - 1], text[i]
    if unicodedata.category(after)[0] == "M":  # vowel signs, tone marks, medials, asat
        return False
    if after in _THAI_LAO_FOLLOWING or before in _THAI_LAO_LEADING:
        return False
    if "\u1000" <= after <= "\u109f":
        # A Burmese syllable starts at a consonant that is not killed (asat) or stacked (virama).
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if before == _MY_VIRAMA or nxt in (_MY_ASAT, _MY_VIRAMA):
            return False
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return False
    return True


@dataclass
class _Reading:
    """A message cut into words once: the words joined without what stood between them, where each
    word starts there, and which positions of the joined text are word boundaries."""

    text: str  # folded
    joined: str
    starts: list[int]  # joined offset of each word
    origin: list[int]  # text offset of each word
    boundaries: set[int]

    @classmethod
    def of(cls, text: str) -> "_Reading":
        # ICU's word boundaries; the words are the runs of letters/digits/marks cut there (a segment
        # may hold punctuation: "ค.ว.ย", "3.30"). A run's ends are boundaries; a cut ICU put inside
        # a syllable (it does so in words it does not know) is a word edge but no boundary.
        cuts = [end for _start, end in WordBreaker(text, "root").segments()]
        joined, starts, origin, boundaries = [], [], [], set()
        length = 0
        for run in _WORD_RUN_RE.finditer(text):
            a, b = run.span()
            boundaries.add(length)
            k = bisect.bisect_right(cuts, a)
            pieces = [a]
            while k < len(cuts) and cuts[k] < b:
                pieces.append(cuts[k])
                k += 1
            pieces.append(b)
            for p, q in zip(pieces, pieces[1:], strict=False):
                starts.append(length)
                origin.append(p)
                joined.append(text[p:q])
                length += q - p
                if q == b or _cluster_boundary(text, q):
                    boundaries.add(length)
        return cls(text, "".join(joined), starts, origin, boundaries)

    def word_at(self, pos: int) -> int:
        """Index of the word holding joined offset `pos`."""
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def to_text(self, pos: int) -> int:
        """The text offset of joined offset `pos` (pos inside or at the start of a word)."""
        k = self.word_at(pos)
        return self.origin[k] + pos - self.starts[k]

    def word_text(self, k: int) -> str:
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.joined)
        return self.joined[self.starts[k]:end]

    def fewer_words(self, begin: int, end: int) -> bool:
        """Would reading joined[begin:end] as one word cut the words it touches into fewer words
        than the segmenter's reading? (Both ends are inside a syllable-safe place.)"""
        first, last = self.word_at(begin), self.word_at(end - 1)
        left = self.joined[self.starts[first]:begin]
        right_word_end = self.starts[last] + len(self.word_text(last))
        right = self.joined[end:right_word_end]
        mine = _count_words(left) + 1 + _count_words(right)
        return mine < last - first + 1


def _count_words(text: str) -> int:
    if not text:
        return 0
    return sum(1 for start, _end in WordBreaker(text, "root").segments() if _WORD_RUN_RE.match(text, start))


_ZH_PRONOUNS = set("我你他她它您咱俺们")
# After a curse ending in 的 (他妈的太难了) comes an adverb, a verb or a particle; after the
# possessive 的 (他妈的手机, his mum's phone) a noun. These are the first characters of the former.
_ZH_AFTER_CURSE = set("太真就又还都不没也在干怎能会要给敢是什谁哪啥吧啊呀呢了滚烦死傻蠢笨别快")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0002ffff"


def _latin_pattern(term: str) -> str:
    """A Latin term as a whole word: any separators between its letters, letters repeated, digits
    or symbols for letters (not in short ones: "5B" is a class, not "sb"), English endings."""
    leet = {"a": "a4@", "b": "b8", "e": "e3", "i": "i1!|", "l": "l1|", "o": "o0", "s": "s5$", "t": "t7"}
    letters = [ch for ch in term if ch.isalnum()]
    if len(letters) < 4:
        leet = {}
    parts = []
    for ch in letters:
        cls = leet.get(ch, ch) + ("*" if ch in "aeiou" and leet else "")
        parts.append("[" + re.escape(cls) + "]+")
    body = r"[\W_]{0,3}".join(parts)
    return r"(?<![a-z])" + body + r"(?:s|es|ed|er|ers|ing|in|y|ies)?(?![a-z])"


@dataclass(frozen=True)
class CompiledBlocklist:
    """A camp's terms, folded and compiled once: the Latin terms as one pattern of whole words (a
    group per term), the others as words to find on the word boundaries of the message."""

    latin: re.Pattern | None
    latin_terms: tuple[str, ...]  # latin's group n is latin_terms[n]
    words: tuple[tuple[str, str], ...]  # (term, folded squashed needle)

    @classmethod
    def build(cls, terms) -> "CompiledBlocklist":
        latin, words = {}, []
        for term in terms:
            needle = _squash(fold(term))
            if not needle:
                continue
            if needle.isascii():
                latin.setdefault(term, _latin_pattern(needle))
            else:
                words.append((term, _ELONGATED_RE.sub(r"\1", needle)))
        pattern = re.compile("|".join(f"(?P<t{n}>{body})" for n, body in enumerate(latin.values()))) if latin else None
        return cls(pattern, tuple(latin), tuple(words))

    def find(self, text: str) -> str | None:
        """The first blocked term found in `text`, or None."""
        folded = fold(text)
        if self.latin is not None and _ASCII_LETTER_RE.search(folded):
            for match in self.latin.finditer(folded):
                if any(ch.isalpha() for ch in match.group()):
                    return self.latin_terms[int(match.lastgroup[1:])]
        if self.words and not folded.isascii():
            reading = _Reading.of(_ELONGATED_RE.sub(r"\1", folded))
            for term, needle in self.words:
                if _found(reading, needle):
                    return term
        return None


def _found(reading: _Reading, needle: str) -> bool:
    joined = reading.joined
    at = joined.find(needle)
    while at != -1:
        end = at + len(needle)
        if at in reading.boundaries and end in reading.boundaries:
            if _zh_curse(reading, needle, at, end):
                return True
        elif (_cluster_boundary(reading.text, reading.to_text(at))
              and (end == len(joined) or _cluster_boundary(reading.text, reading.to_text(end)))
              and reading.fewer_words(at, end) and _zh_curse(reading, needle, at, end)):
            return True
        at = joined.find(needle, at + 1)
    return False


def _zh_curse(reading: _Reading, needle: str, at: int, end: int) -> bool:
    """False where a Chinese term ending in 的 is a possessive: "我妈的手机", "她妈的", "他妈的书"."""
    if not needle.endswith("的") or not _is_han(needle[0]):
        return True
    text = reading.text
    before = text[reading.to_text(at) - 1] if reading.to_text(at) > 0 else ""
    if needle[0] not in _ZH_PRONOUNS and before in _ZH_PRONOUNS:
        return False
    after_pos = reading.to_text(end - 1) + 1
    after = text[after_pos] if after_pos < len(text) else ""
    return not (_is_han(after) and after not in _ZH_AFTER_CURSE)


def find_blocked_term(text: str, terms) -> str | None:
    """The first blocked term found in `text`, or None."""
    return CompiledBlocklist.build(terms).find(text)


# --- links --------------------------------------------------------------------------------------

# Top-level domains that are not also everyday words; the others (AMBIGUOUS_TLDS) count when the
# address is written in lower case with a name of three letters or more, a known host, or a path.
STRONG_TLDS = (
    "com|net|org|info|biz|xyz|top|site|online|club|shop|vip|app|link|icu|cn|hk|tw|th|mm|kh|vn|uk|ru|tk|ml|ga|"
    "cf|gq|jp|kr|de|fr|au|ca|edu|gov|asia|mobi|pro|cyou|buzz|work|fun|live|space|store|website|page"
)
AMBIGUOUS_TLDS = "me|to|us|la|ly|co|tv|cc|io|gg|ai|so|im|fm|ws"
_STRONG = frozenset(STRONG_TLDS.split("|"))
_KNOWN_HOSTS = {"t", "line", "bit", "discord", "twitch", "zoom", "youtu", "wa", "m", "x", "vm", "vt", "qr", "is"}
# Dots as youth write them around a filter: 。 (NFKC already made ．｡ plain), [.] (.) {.} 【.】,
# [dot] (dot) dot, 点/點 between Latin letters.
_DOT_RE = re.compile(
    r"(?<=[a-z0-9])\s*(?:。|[\[\(\{【（]\s*(?:\.|dot|点|點)\s*[\]\)\}】）]|[点點]|\s+dot\s+)\s*(?=[a-z0-9])",
    re.IGNORECASE,
)
_SCHEME_RE = re.compile(r"\b(?:[a-z][a-z0-9+.-]{1,15}|h[tx]{2}ps?)\s*:\s*/\s*/", re.IGNORECASE)
_WWW_RE = re.compile(r"\bwww\s*\.\s*[a-z0-9]", re.IGNORECASE)
_DOMAIN_RE = re.compile(
    r"(?<![a-z0-9-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+)(" + STRONG_TLDS + "|" + AMBIGUOUS_TLDS
    + r")(?![a-z0-9-])(/)?",
    re.IGNORECASE,
)
# "evil . com", "evil .com", "evil. com": a spaced dot before a lower-case strong TLD.
_SPACED_DOMAIN_RE = re.compile(r"(?<![a-z0-9-])[a-z0-9][a-z0-9-]+(?:\s+\.\s*|\.\s+)(?:" + STRONG_TLDS + r")(?![a-z0-9])")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4_RE = re.compile(r"(?<![\d.])" + _OCTET + r"(?:\." + _OCTET + r"){3}(?![\d]|\.\d)")


_MY_WA_AS_ZERO_RE = re.compile("(?<=[0-9\u1040-\u1049])\u101d|\u101d(?=[0-9\u1040-\u1049])")  # ဝ typed for ၀


def _link_view(text: str) -> str:
    text = _MY_WA_AS_ZERO_RE.sub("0", fold_case_kept(text)).translate(_DIGITS_TABLE)
    return _DOT_RE.sub(".", text)


def _has_link(view: str) -> bool:
    if not _ASCII_ALNUM_RE.search(view):
        return False
    if _SCHEME_RE.search(view) or _WWW_RE.search(view) or _IPV4_RE.search(view):
        return True
    for match in _DOMAIN_RE.finditer(view):
        labels, tld, path = match.group(1), match.group(2), match.group(3)
        if tld.lower() in _STRONG:
            return True
        name = labels.rstrip(".").split(".")[-1]
        if path or (match.group().islower() and (len(name) >= 3 or name in _KNOWN_HOSTS)):
            return True
    return bool(_SPACED_DOMAIN_RE.search(view))


def contains_link(text: str) -> bool:
    return _has_link(_link_view(text))


# --- contacts -----------------------------------------------------------------------------------

# Cue words of messengers and phones. Ids after the "messenger" cues in Chinese, Thai, Lao and
# Burmese count as they are; after the English ones (line, tg, ig, ...: also everyday words) only
# with a digit or an explicit marker (":", "=", "id", "@", "#"). Phone cues need digits.
_CUES_NATIVE = (
    r"微信号?|威信|薇信|徽信|维信|v信|加v|加微|加我|扣扣|企鹅号?|qq号?|vx|wx|v号|"
    r"ไลน์|ไลน|ไอดีไลน์|ไอดี|ไอจี|เฟส|เฟซ|วอทส์แอป|วอทแอป|วอทส์แอพ|วอทแอพ|เทเลแกรม|ติ๊กต๊อก|"
    r"ໄລນ໌|ໄລນ|ໄອດີ|ວັອດແອັບ|ວອດແອັບ|ວັອດສແອັບ|ເຟສ|ເທເລແກຣມ|ໄວເບີ|"
    r"ဗိုင်ဘာ|တယ်လီဂရမ်|မက်ဆင်ဂျာ|ဖေ့ဘုတ်|ဖေ့စ်ဘုတ်|အကောင့်"
)
_CUES_ENGLISH = (
    r"wechat|weixin|whats\s?app|telegram|viber|snapchat|snap|instagram|insta|ig|discord|kakao|kik|"
    r"line|tg|tele|wa|fb|facebook|messenger|tiktok|douyin|skype|signal"
)
_CUES_PHONE = r"phone|tel|mobile|call|电话|手机号?|号码|เบอร์โทร|เบอร์|โทร|ເບີໂທ|ເບີ|ໂທ|ဖုန်းနံပါတ်|ဖုန်း|နံပါတ်"
_MARKER = r"(?:\s*(?:[:=#@]|id|no\.?|number|号码?|號|是|为|為|คือ|ແມ່ນ|က|မှာ)\s*)"
_ID = r"@?[a-z0-9][a-z0-9._-]{2,31}"
_CONTACT_RES = (
    re.compile(r"(?<![a-z])(?:" + _CUES_NATIVE + r")" + _MARKER + r"*\s*(" + _ID + r")", re.IGNORECASE),
    re.compile(r"(?<![a-z])(?:" + _CUES_ENGLISH + r")(?![a-z])" + _MARKER + r"+(" + _ID + r")", re.IGNORECASE),
    re.compile(r"(?<![a-z])(?:" + _CUES_ENGLISH + r")(?![a-z])(?:\s+(?:id\s+)?is)?\s*(@?[a-z._-]*\d[a-z0-9._-]{2,31})",
               re.IGNORECASE),
    re.compile(r"(?:" + _CUES_PHONE + r")" + _MARKER + r"*\s*(\+?\d[\d\s-]{3,}\d)", re.IGNORECASE),
)
_EMAIL_RE = re.compile(r"[a-z0-9._%+-]+\s*(?:@|＠|\(at\)|\[at\])\s*[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
_PHONE_RE = re.compile(r"(?<![\d+])(\+\s?)?\d[\d\s()-]{7,22}\d(?!\d)")


def _phone_like(match: re.Match) -> bool:
    digits = re.sub(r"\D", "", match.group())
    groups = [g for g in re.split(r"[\s()-]+", match.group().lstrip("+ ")) if g]
    if not 9 <= len(digits) <= 15 or len(groups) > 5 or any(len(g) < 2 for g in groups[1:]):
        return False
    return bool(match.group(1)) or digits[0] == "0" or (len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789")


def _has_contact(view: str) -> bool:
    if not _ASCII_ALNUM_RE.search(view):  # ids, phone numbers and addresses are (made) ASCII
        return False
    for pattern in _CONTACT_RES:
        for match in pattern.finditer(view):
            handle = match.group(1)
            if pattern is _CONTACT_RES[3]:
                if len(re.sub(r"\D", "", handle)) >= 5:
                    return True
            elif not handle.isdigit() or len(handle) >= 5:
                return True
    if _EMAIL_RE.search(view):
        return True
    return any(_phone_like(match) for match in _PHONE_RE.finditer(view))


def contains_contact(text: str) -> bool:
    """A phone number, an e-mail address, or a messenger id after its cue word."""
    return _has_contact(_link_view(text))


def content_refusal(blocklist: CompiledBlocklist, text: str, *, youth: bool, links_allowed: bool) -> str | None:
    """Why `text` may not be posted (WORD, LINK or CONTACT), or None. Words are refused from
    everybody; contacts from youth always; links from youth unless the room allows them."""
    if blocklist.find(text):
        return WORD
    if not youth:
        return None
    view = _link_view(text)
    if _has_contact(view):
        return CONTACT
    if not links_allowed and _has_link(view):
        return LINK
    return None


def camp_terms(camp_id: int) -> list[str]:
    return list(BlockedTerm.objects.filter(camp_id=camp_id).values_list("term", flat=True))


# The compiled blocklist of each camp, per process: {camp_id: (version, loaded_at, blocklist)}.
# Every change to a camp's terms writes a new random version into Django's cache (Redis when
# several processes run, so all of them see it); a process reloads when the version differs.
# The TTL bounds staleness where the cache is per process (LocMemCache with several daphnes)
# or a version write was lost.
BLOCKLIST_TTL = 60.0  # seconds
_compiled: dict[int, tuple[str | None, float, CompiledBlocklist]] = {}
_compiled_lock = threading.Lock()


def _version_key(camp_id: int) -> str:
    return f"live:blocklist:version:{camp_id}"


def blocklist_version_bump(camp_id: int) -> None:
    """Invalidate the camp's compiled blocklist in every process. Bumped at once and again after
    commit, so that a process that reloads in between (seeing the old rows) does not keep them.
    Versions are random tokens, not counters: a cleared cache never brings an old one back."""
    cache.set(_version_key(camp_id), uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(_version_key(camp_id), uuid.uuid4().hex, timeout=None))


def camp_blocklist(camp_id: int) -> CompiledBlocklist:
    """The camp's compiled blocklist: one cache read per call, a database read only when the
    terms changed (or after BLOCKLIST_TTL)."""
    version = cache.get(_version_key(camp_id))
    now = time.monotonic()
    with _compiled_lock:
        entry = _compiled.get(camp_id)
    if entry is not None and version is not None and entry[0] == version and now - entry[1] < BLOCKLIST_TTL:
        return entry[2]
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(_version_key(camp_id), version, timeout=None):
            version = cache.get(_version_key(camp_id))
    blocklist = CompiledBlocklist.build(camp_terms(camp_id))
    with _compiled_lock:
        _compiled[camp_id] = (version, now, blocklist)
    return blocklist


def _term_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        blocklist_version_bump(instance.camp_id)


@transaction.atomic
def blocklist_seed_starter(*, camp) -> int:
    """Give a camp the starter lists (zh-hans, en, th, lo, my); returns how many terms were added."""
    existing = set(BlockedTerm.objects.filter(camp=camp).values_list("term", flat=True))
    new = []
    for language, terms in STARTER_TERMS.items():
        for term in terms:
            if term not in existing:
                existing.add(term)
                new.append(BlockedTerm(camp=camp, term=term, language=language))
    for row in new:
        row.full_clean(validate_unique=False)
    BlockedTerm.objects.bulk_create(new)
    if new:
        blocklist_version_bump(camp.pk)  # bulk_create sends no post_save
    return len(new)
