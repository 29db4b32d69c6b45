"""Catalog: sanitized bodies, translations and their completeness, pinyin, the lesson forms."""

import html
import re

import pytest
from django.urls import reverse

from courses.models import Lesson
from courses.services.lessons import lesson_save
from courses.services.text import html_sanitize, pinyin_html, pinyin_plain
from tests import factories

EVIL = [
    '<script>alert(1)</script><p>ok</p>',
    '<p onclick="alert(1)">ok</p>',
    '<img src="x" onerror="alert(1)"><p>ok</p>',
    '<a href="javascript:alert(1)">ok</a>',
    '<svg><script>alert(1)</script></svg><p>ok</p>',
    '<iframe src="https://evil.example"></iframe><p>ok</p>',
    '<style>body{display:none}</style><p>ok</p>',
    '<scr<script>ipt>alert(1)</scr</script>ipt>',
]


@pytest.mark.parametrize("html", EVIL)
def test_no_script_survives_sanitizing(html):
    clean = html_sanitize(html).lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "<svg"):
        assert bad not in clean


def test_sanitizing_keeps_teaching_markup():
    html = '<h3>目标</h3><p><strong>永</strong>字<a href="https://example.org">link</a></p><ul><li>一</li></ul>'
    clean = html_sanitize(html)
    assert "<h3>目标</h3>" in clean and "<strong>永</strong>" in clean and "<li>一</li>" in clean
    assert 'href="https://example.org"' in clean and 'rel="noopener noreferrer nofollow"' in clean


def test_pinyin_reads_heteronyms_in_context_and_escapes():
    html = pinyin_plain("长城<b>")
    assert "<rt>cháng</rt>" in html and "<rt>chéng</rt>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert pinyin_html('<p title="中">普洱</p>').startswith('<p title="中"><span class="pinyin-word"><ruby>普')


@pytest.mark.django_db
def test_lesson_save_sanitizes_every_language_and_reports_complete_languages(teacher):
    topic = factories.topic("calligraphy", "书法")
    lesson = Lesson(title_zh_hans="永字八法", summary_zh_hans="写永字", body_zh_hans="<p>笔画</p><script>x()</script>",
                    title_en="Eight strokes", summary_en="Write 永", body_en='<p onclick="x()">Strokes</p>',
                    title_th="แปดขีด", duration_minutes=60)
    lesson = lesson_save(lesson=lesson, topics=[topic], author=teacher)
    lesson.refresh_from_db()
    assert "<script" not in lesson.body_zh_hans and "onclick" not in lesson.body_en
    assert lesson.complete_languages == ["zh-hans", "en"]  # Thai lacks the summary and body
    assert dict(lesson.language_status) == {"zh-hans": True, "en": True, "th": False, "lo": False, "my": False}
    assert list(lesson.topics.all()) == [topic] and lesson.author == teacher


def _form_data(**overrides):
    data = {"title_zh_hans": "剪窗花", "summary_zh_hans": "剪一朵窗花", "body_zh_hans": "<p>对折</p><script>1</script>",
            "title_en": "Window flower", "duration_minutes": "60", "format": "workshop", "age_min": "8",
            "age_max": "14", "chinese_level": "none"}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_teacher_writes_a_lesson_through_the_form(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("courses:lesson_create")).status_code == 200
    response = client.post(reverse("courses:lesson_create"), _form_data())
    lesson = Lesson.objects.get(title_zh_hans="剪窗花")
    assert response.status_code == 302 and response["Location"] == reverse("courses:lesson_detail", args=[lesson.pk])
    assert lesson.body_zh_hans == "<p>对折</p>" and lesson.author == teacher
    response = client.post(reverse("courses:lesson_edit", args=[lesson.pk]), _form_data(title_th="ดอกไม้หน้าต่าง"))
    lesson.refresh_from_db()
    assert lesson.title_th == "ดอกไม้หน้าต่าง"


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", [
    {"title_zh_hans": ""}, {"age_min": "15", "age_max": "9"}, {"duration_minutes": "0"},
    {"duration_minutes": "900"}, {"format": "party"}, {"video_url": "not a url"},
])
def test_malformed_lesson_forms_write_nothing(client, teacher, overrides):
    client.force_login(teacher)
    response = client.post(reverse("courses:lesson_create"), _form_data(**overrides))
    assert response.status_code == 200
    assert not Lesson.objects.exists()


@pytest.mark.django_db
def test_coordinator_cannot_write_lessons(client, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("courses:lesson_create"), _form_data()).status_code == 403
    assert not Lesson.objects.exists()


@pytest.mark.django_db
def test_lesson_page_pinyin_toggle(client, teacher):
    lesson = lesson_save(lesson=Lesson(title_zh_hans="普洱茶", title="普洱茶", duration_minutes=45))
    client.force_login(teacher)
    plain = client.get(reverse("courses:lesson_detail", args=[lesson.pk])).content.decode()
    with_pinyin = client.get(reverse("courses:lesson_detail", args=[lesson.pk]) + "?pinyin=1").content.decode()
    assert "<rt>pǔ</rt>" not in plain
    assert "<rt>pǔ</rt>" in with_pinyin and "<rt>chá</rt>" in with_pinyin


@pytest.mark.django_db
@pytest.mark.parametrize("ui_language", ["zh-hans", "en", "th", "lo", "my"])
def test_saving_in_any_ui_language_keeps_each_languages_fields(client, teacher, ui_language):
    """The teacher's page language decides nothing about what is stored: each box keeps what was typed."""
    teacher.preferred_language = ui_language
    teacher.save(update_fields=["preferred_language"])
    client.force_login(teacher)
    typed = {"body_zh_hans": "<p>对折剪纸</p>", "body_en": "<p>Fold the paper</p>", "body_th": "<p>พับกระดาษ</p>",
             "body_lo": "<p>ພັບເຈ້ຍ</p>", "body_my": "<p>စက္ကူခေါက်ပါ</p>", "title_lo": "ດອກໄມ້ປ່ອງຢ້ຽມ"}
    response = client.post(reverse("courses:lesson_create"), _form_data(**typed))
    assert response.status_code == 302
    lesson = Lesson.objects.get(title_zh_hans="剪窗花")
    response = client.post(reverse("courses:lesson_edit", args=[lesson.pk]), _form_data(**typed))
    assert response.status_code == 302
    lesson.refresh_from_db()
    for name, value in typed.items():
        assert getattr(lesson, name) == value, name
    assert lesson.title_en == "Window flower"
    # The edit page, in the same UI language, shows each language's box with what was typed in it.
    page = client.get(reverse("courses:lesson_edit", args=[lesson.pk])).content.decode()
    for name, value in typed.items():
        textarea = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', page, re.DOTALL)
        box = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
        shown = html.unescape((textarea or box).group(1))
        assert shown == value, name


def test_pinyin_is_grouped_per_word_not_per_character_run():
    """The syllables of one word sit together and the words are apart (gēnzhe lǎoshī, not gēnzhelǎo shī)."""
    import re

    html = pinyin_plain("跟着老师用毛笔")
    words = [re.findall(r"<rt>([^<]*)</rt>", word) for word in re.findall(r'<span class="pinyin-word">(.*?)</span>', html)]
    assert words == [["gēn", "zhe"], ["lǎo", "shī"], ["yòng"], ["máo", "bǐ"]]
    assert pinyin_plain("A & B") == "A &amp; B"  # no Han, nothing wrapped


@pytest.mark.django_db
def test_pinyin_toggle_has_one_label(client, teacher):
    lesson = lesson_save(lesson=Lesson(title_zh_hans="普洱茶", title="普洱茶", duration_minutes=45))
    client.force_login(teacher)
    page = client.get(reverse("courses:lesson_detail", args=[lesson.pk])).content.decode()
    toggle = page.split('class="no-print pinyin-toggle">', 1)[1].split("</p>", 1)[0]
    assert toggle.count("拼音") <= 1 and "lang=" not in toggle
