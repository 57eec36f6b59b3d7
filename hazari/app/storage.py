"""Static files in production: WhiteNoise's compressed, hashed files, with the app's
JavaScript module imports pointed at the hashed names too.

`import { x } from "./db.js"` in app/js/main.js must become `from "./db.1a2b3c4d5e6f.js"`,
or the browser would load the unhashed file, which neither the far-future cache headers nor
the service worker's precache list (hashed URLs) cover. Django can rewrite module imports in
every JavaScript file (`support_js_module_import_aggregation`), but its patterns also scan
vendored bundles (django-ninja's Swagger UI), where a stray match fails collectstatic; this
rewrites only the app's own modules, which always import with `from "./name.js"`.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

APP_MODULE_IMPORT = (
    r"""(?P<matched>from\s*["'](?P<url>\./[\w.-]+\.js)["'])""",
    """from "%(url)s\"""",
)


class AppStaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        ("app/js/*.js", (APP_MODULE_IMPORT,)),
    )
