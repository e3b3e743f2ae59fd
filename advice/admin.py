"""Django admin for advice: deliberately nothing.

Questions, their timeline, attachments and FAQ drafts are NOT registered: beheerders (even
superusers) must never read a question's content, and the admin has no per-object rule. Neither are
the anonymous statistics rows: one row is one question (its month, channel, rule, answer times and
outcome), and rows listed one by one can be tied to a question by their order or their id. The
Bureau reads the statistics only aggregated, with the small-group rule (`advice.selectors.protect`).
"""
