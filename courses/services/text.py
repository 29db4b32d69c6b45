"""Lesson text: sanitizing rich text, and pinyin over Chinese characters."""

import re

import nh3
from django.utils.html import escape
from pypinyin import Style, pinyin

# What a lesson body may contain: structure, emphasis, links, images, ruby. No script, no style,
# no event handlers (nh3 never lets those through), links only to the web and mail.
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
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TAG = re.compile(r"(<[^>]*>)")


def html_sanitize(value: str) -> str:
    """Rich text as teachers paste it, with everything that could run or track removed."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _ruby_text(text: str) -> str:
    """Escaped text with <ruby> pinyin over each Han character (text may contain entities)."""
    # Whole phrases, so that heteronyms read right (长城 is cháng chéng); the errors callback passes
    # other characters through one by one, so the syllables line up with the characters.
    out = [syllable[0] for syllable in pinyin(text, style=Style.TONE, errors=lambda chars: [[c] for c in chars])]
    if len(out) != len(text):
        out = [pinyin(char, style=Style.TONE, errors=lambda chars: [[c] for c in chars])[0][0] for char in text]
    result = []
    for char, syllable in zip(text, out, strict=True):
        if HAN.match(char):
            result.append(f"<ruby>{char}<rp>(</rp><rt>{escape(syllable)}</rt><rp>)</rp></ruby>")
        else:
            result.append(char)
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
