"""Lesson text: sanitizing rich text, and pinyin over Chinese characters."""

import re

import nh3
from django.utils.html import escape
from icu4py.breakers import WordBreaker
from pypinyin import Style, pinyin

# What a lesson body may contain: structure, emphasis, links, images, ruby. No script, no style,
# no event handlers (nh3 never lets those through), links only to the web and mail. Nothing here may
# make the reader's browser fetch from another host by itself: no iframe/video/audio/object, no style
# (url()), no srcset/poster/background; an image is kept only when it comes from our own site (a
# youth's IP must not reach third parties, and the camp runs without outside network). Links stay,
# because following one is the reader's choice, with rel="noopener noreferrer nofollow".
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
    "ul", "ol", "li", "blockquote", "q", "cite", "code", "pre", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "ruby", "rt", "rp", "span", "div", "dl", "dt", "dd",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "span": {"lang"},
    "p": {"lang"},
}
# Our own site's files, as same-origin paths. "//host/media/..." is another host, so the check is on
# the exact prefix.
LOCAL_IMAGE_PREFIXES = ("/media/", "/static/")
LINK_REL = "noopener noreferrer nofollow"
# nh3 serializes every attribute as name="value" with `"`, `<`, `>` escaped, so this matches its
# output exactly.
IMG_TAG = re.compile(r'<img\b(?:\s+[^\s="]+="[^"]*")*\s*/?>')
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TAG = re.compile(r"(<[^>]*>)")


def _local_image_source(tag: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: an <img src> survives only as a path on our own site."""
    if tag == "img" and attribute == "src":
        value = value.strip()
        return value if value.startswith(LOCAL_IMAGE_PREFIXES) else None
    return value


def _drop_empty_image(match: re.Match) -> str:
    return match.group(0) if ' src="' in match.group(0) else ""


def html_sanitize(value: str) -> str:
    """Rich text as teachers paste it, with everything that could run, track or fetch from elsewhere removed."""
    if not value:
        return ""
    clean = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_local_image_source,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # An image whose source was refused is dropped whole rather than left as an empty box.
    return IMG_TAG.sub(_drop_empty_image, clean)


def _ruby_text(text: str) -> str:
    """Escaped text with <ruby> pinyin over each Han character (text may contain entities).

    Each word (ICU's dictionary word break, the same the chat filter uses) is one
    ``<span class="pinyin-word">``: the syllables of a word sit together and a gap separates the
    words, as pinyin is written (gēnzhe lǎoshī yòng máobǐ, not gēnzhelǎo shīyòngmáo bǐ).
    """
    # Whole phrases, so that heteronyms read right (长城 is cháng chéng); the errors callback passes
    # other characters through one by one, so the syllables line up with the characters.
    out = [syllable[0] for syllable in pinyin(text, style=Style.TONE, errors=lambda chars: [[c] for c in chars])]
    if len(out) != len(text):
        out = [pinyin(char, style=Style.TONE, errors=lambda chars: [[c] for c in chars])[0][0] for char in text]
    result = []
    for start, end in WordBreaker(text, "zh").segments():
        word = text[start:end]
        if not HAN.search(word):
            result.append(word)
            continue
        rubies = []
        for char, syllable in zip(word, out[start:end], strict=True):
            if HAN.match(char):
                rubies.append(f"<ruby>{char}<rp>(</rp><rt>{escape(syllable)}</rt><rp>)</rp></ruby>")
            else:
                rubies.append(char)
        result.append(f'<span class="pinyin-word">{"".join(rubies)}</span>')
    return "".join(result)


def pinyin_plain(text: str) -> str:
    """Plain (not yet escaped) text → safe HTML with pinyin over the Chinese characters."""
    return _ruby_text(str(escape(text or "")))


def pinyin_html(html: str) -> str:
    """Sanitized HTML → the same HTML with pinyin over the Chinese characters of its text nodes."""
    parts = TAG.split(html or "")
    inside_ruby = False
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            lowered = part.lower()
            if lowered.startswith("<ruby"):
                inside_ruby = True
            elif lowered.startswith("</ruby"):
                inside_ruby = False
            continue
        if part and not inside_ruby and HAN.search(part):
            parts[index] = _ruby_text(part)
    return "".join(parts)
