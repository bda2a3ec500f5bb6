"""Static files: cached for a year (their links carry a content digest), and stylesheets
served without comments and layout whitespace, so the readable source costs phones nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

CACHE_FOREVER = "public, max-age=31536000, immutable"
_STRING = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{};,>])\s*")


def minify_css(source: str) -> str:
    """Drops comments and the whitespace around braces, semicolons, commas, child
    combinators and after colons; text inside quotes is left exactly as written."""
    parts = _STRING.split(_COMMENT.sub("", source))
    for index in range(0, len(parts), 2):  # even parts are outside strings
        code = _SPACE.sub(" ", parts[index])
        parts[index] = _AROUND.sub(r"\1", code).replace(";}", "}").replace(": ", ":")
    return "".join(parts).strip()


@lru_cache(maxsize=32)
def _minified(path: str, mtime_ns: int) -> bytes:
    return minify_css(Path(path).read_text(encoding="utf-8")).encode()


class CachedStatic(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code != 200:
            return response
        if path.endswith(".css"):
            full, stat = self.lookup_path(path)
            assert stat is not None
            body = _minified(full, stat.st_mtime_ns)
            response = Response(body, media_type="text/css")
        response.headers["Cache-Control"] = CACHE_FOREVER
        return response
