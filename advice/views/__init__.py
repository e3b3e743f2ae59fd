"""Advice pages, one module per page family: asking (and "Mijn vragen"), one question, the manager's
inbox, the Bureau (queue, statistics, access), and the FAQ. Every question is fetched through
`get_question_for` (404 outside the route)."""
