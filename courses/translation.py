from modeltranslation.translator import TranslationOptions, register

from .models import Lesson, PlanTemplate, Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Lesson)
class LessonTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "goals", "body", "materials")


@register(PlanTemplate)
class PlanTemplateTranslationOptions(TranslationOptions):
    fields = ("name", "description")
