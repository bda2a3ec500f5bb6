"""Stylesheets are served without comments and layout whitespace, and mean the same."""

from __future__ import annotations

from localleaders.resources import data_dir
from localleaders.web.assets import minify_css


def test_minify_keeps_strings_selectors_and_media_queries() -> None:
    source = """/* a comment */
.status--verified::before { content: "✓ , ; { "; }
.breadcrumbs > a:first-child::before { content: '←\\a0'; }
.nav a :is(.x, .y) { color: red; }
@media (prefers-reduced-motion: reduce) {
  .toast { animation: none; }
}
"""
    assert minify_css(source) == (
        '.status--verified::before{content:"✓ , ; { "}'
        ".breadcrumbs>a:first-child::before{content:'←\\a0'}"
        ".nav a :is(.x,.y){color:red}"
        "@media (prefers-reduced-motion:reduce){.toast{animation:none}}"
    )


def test_shipped_stylesheets_shrink_and_keep_every_rule() -> None:
    for path in (data_dir("static") / "css").glob("*.css"):
        source = path.read_text(encoding="utf-8")
        small = minify_css(source)
        assert len(small) < len(source) * 0.9, path.name
        assert small.count("{") == source.count("{") - source.count("/*{"), path.name
