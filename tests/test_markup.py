"""Incident Markdown reaches the page sanitized."""

from __future__ import annotations

from statusgen.markup import to_html


def test_markdown_is_rendered() -> None:
    html = to_html("**tebal** dan [tautan](https://lpse.kalselprov.go.id/eproc4)\n\n- satu\n- dua")
    assert "<strong>tebal</strong>" in html
    assert '<a href="https://lpse.kalselprov.go.id/eproc4" rel="noopener noreferrer nofollow">tautan</a>' in html
    assert "<li>satu</li>" in html


def test_scripts_event_handlers_and_javascript_links_are_removed() -> None:
    html = to_html(
        "<script>alert(1)</script>\n\n"
        '<a href="https://example.org" onclick="alert(2)">x</a> '
        "[y](javascript:alert(3)) "
        '<img src="https://tracker.example/p.gif" onerror="alert(4)"> '
        '<iframe src="https://example.org"></iframe> '
        "<style>body{display:none}</style>"
    )
    for forbidden in ("<script", "alert(1)", "onclick", "javascript:", "<img", "onerror", "<iframe", "<style"):
        assert forbidden not in html, forbidden
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">x</a>' in html


def test_headings_move_under_the_page_headings() -> None:
    assert to_html("# Satu\n\n## Dua") == "<h3>Satu</h3>\n<h4>Dua</h4>"
    # The highest heading used becomes h3, whatever level it was written at.
    assert to_html("## Kronologi\n\n### Pukul 10.00") == "<h3>Kronologi</h3>\n<h4>Pukul 10.00</h4>"
    assert to_html("### Tiga\n\n##### Lima") == "<h3>Tiga</h3>\n<h5>Lima</h5>"
    assert to_html("# a\n\n###### f") == "<h3>a</h3>\n<h6>f</h6>"  # never past h6
