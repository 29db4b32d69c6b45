from modeltranslation.translator import TranslationOptions, register

from .models import Camp


@register(Camp)
class CampTranslationOptions(TranslationOptions):
    fields = ("title", "description")
