from django.utils.translation import gettext, override


def in_both_languages(message: str, **params: object) -> tuple[str, str]:
    """(Hindi, English) for a message marked with gettext_noop: for what a user reads
    outside a page in their chosen language, such as an SMS, an API error or an import
    report."""
    with override("hi"):
        hindi = gettext(message) % params if params else gettext(message)
    with override("en"):
        english = gettext(message) % params if params else gettext(message)
    return hindi, english


def label_in_both_languages(item: object) -> tuple[str, str]:
    """(Hindi, English) of a label: an object's `label` (a choice, or a property that
    translates when read, such as DayStatus.label), or a lazy translation itself."""
    texts = []
    for language in ("hi", "en"):
        with override(language):
            texts.append(str(getattr(item, "label", item)))
    return texts[0], texts[1]
