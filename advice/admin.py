"""Django admin for advice: deliberately empty.

Questions, their timeline, attachments, FAQ drafts and the statistics are NOT registered: beheerders
(even superusers) must never read anything of a question, and the admin has no per-object rule. The
statistics are kept one row per question, so even without names a row could be found again by its
month, channel and rule; the Bureau reads them, grouped and with small groups hidden, on its own
statistics page (docs/advice.md).
"""
