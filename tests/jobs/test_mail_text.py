"""A mail's HTML is made from its one text: every piece of text escaped, lines and lists kept."""

from pathlib import Path

from jobs.mail_text import text_to_html


def test_the_html_of_a_mail_escapes_what_the_text_says_and_keeps_its_lines():
    body, signature = text_to_html("Beste <b>Jan</b>\nregel twee\n\n- een & twee\n- drie\n-- \nStad <Antwerpen>\n")
    assert body == ("<p>Beste &lt;b&gt;Jan&lt;/b&gt;<br>regel twee</p>\n<ul><li>een &amp; twee</li><li>drie</li></ul>")
    assert signature == "<p><small>Stad &lt;Antwerpen&gt;</small></p>"


def test_no_mail_keeps_a_second_copy_in_html():
    """Every mail's HTML is derived from its one text template: no hand-kept HTML copy beside it."""
    emails = Path(__file__).resolve().parents[2] / "templates" / "emails"
    copies = [str(path.relative_to(emails)) for path in emails.rglob("*.html") if path.name != "layout.html"]
    assert copies == []
