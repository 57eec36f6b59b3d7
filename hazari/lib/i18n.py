from django.utils.functional import Promise
from django.utils.translation import gettext, override


def _in(language: str, message: str, params: dict[str, object]) -> str:
    with override(language):
        if not params:
            return gettext(message)
        # A parameter that is itself a translation (a label: "Weekly off") is rendered in the
        # message's language, not the request's: an English receipt must not carry Hindi.
        rendered = {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}
        return gettext(message) % rendered


def in_both_languages(message: str, **params: object) -> tuple[str, str]:
    """(Hindi, English) for a message marked with gettext_noop: for what a user reads
    outside a page in their chosen language, such as an SMS, an API error or an import
    report. Pass labels as lazy translations (a choice's `.label`), never as str."""
    return _in("hi", message, params), _in("en", message, params)


def label_in_both_languages(item: object) -> tuple[str, str]:
    """(Hindi, English) of a label: an object's `label` (a choice, or a property that
    translates when read, such as DayStatus.label), or a lazy translation itself."""
    texts = []
    for language in ("hi", "en"):
        with override(language):
            texts.append(str(getattr(item, "label", item)))
    return texts[0], texts[1]
