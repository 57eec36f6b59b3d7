from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class HindiFirstLocaleMiddleware(LocaleMiddleware):
    """The language is the one chosen with the switch on the page (a cookie), else Hindi.

    The browser's Accept-Language is ignored on purpose: most of the head masters' phones
    send en-IN whatever their owners read, and the state wants Hindi unless asked otherwise.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
