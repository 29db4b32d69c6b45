"""Fill the Lao and Burmese UI catalogs' gaps with the language their readers know best.

Django falls back to LANGUAGE_CODE (zh-hans) for a string missing from a catalog, which a Lao or
Burmese child may not read. A Lao reader understands Thai far better, so missing Lao strings take
the Thai text; missing Burmese strings take the English text. English strings are their own
translation. Filled entries carry the translator comment "fallback:<lang>" so that a real
translation later replaces them (run this command again after makemessages).
"""

import re
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

FALLBACKS = {"lo": ["th", "en"], "my": ["en"], "en": ["en"]}
MARK = "fallback:"


def _catalog(code: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / code / "LC_MESSAGES" / "django.po"


def _nplurals(catalog) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _is_fallback(entry) -> bool:
    return MARK in (entry.tcomment or "")


class Command(BaseCommand):
    help = "Fill missing lo/my/en UI strings from th/en (marked as fallbacks)."

    def handle(self, *args, **options):
        sources = {code: polib.pofile(str(_catalog(code))) for code in ("th",) if _catalog(code).exists()}
        for code, chain in FALLBACKS.items():
            path = _catalog(code)
            catalog = polib.pofile(str(path))
            nplurals = _nplurals(catalog)
            filled = 0
            for entry in catalog:
                if entry.obsolete:
                    continue
                if entry.translated() and not _is_fallback(entry) and "fuzzy" not in entry.flags:
                    continue
                for fallback in chain:
                    text = self._lookup(sources, fallback, entry)
                    if text:
                        if entry.msgid_plural:
                            forms = text if isinstance(text, tuple) else (text,)
                            # Lao and Burmese have one plural form (nplurals=1): msgfmt refuses more.
                            entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(nplurals)}
                        else:
                            entry.msgstr = text
                        entry.tcomment = f"{MARK}{fallback}"
                        if "fuzzy" in entry.flags:
                            entry.flags.remove("fuzzy")
                        filled += 1
                        break
            catalog.save(str(path))
            self.stdout.write(f"{code}: {filled} strings filled from {', '.join(chain)}")

    @staticmethod
    def _lookup(sources, fallback, entry):
        if fallback == "en":
            return (entry.msgid, entry.msgid_plural) if entry.msgid_plural else entry.msgid
        source = sources.get(fallback)
        if source is None:
            return None
        found = source.find(entry.msgid)
        if found is None or not found.translated() or "fuzzy" in found.flags:
            return None
        if entry.msgid_plural:
            plural = found.msgstr_plural
            return (plural.get(0, ""), plural.get(1, plural.get(0, "")))
        return found.msgstr
