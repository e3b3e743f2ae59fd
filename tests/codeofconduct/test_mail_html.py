"""A mail's HTML is made from its one text: every piece of text escaped, lines and lists kept."""

from codeofconduct.emails import text_to_html


def test_the_html_of_a_mail_escapes_what_the_text_says_and_keeps_its_lines():
    body, signature = text_to_html("Beste <b>Jan</b>\nregel twee\n\n- een & twee\n- drie\n-- \nStad <Antwerpen>\n")
    assert body == ("<p>Beste &lt;b&gt;Jan&lt;/b&gt;<br>regel twee</p>\n<ul><li>een &amp; twee</li><li>drie</li></ul>")
    assert signature == "<p><small>Stad &lt;Antwerpen&gt;</small></p>"
