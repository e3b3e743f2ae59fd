"""Pages of the code of conduct, one module per page family: reading, editing (Redactie),
acknowledging (home and the button), the chef's team, and compliance (Redactie)."""
