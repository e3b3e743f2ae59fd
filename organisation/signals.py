"""Signals of the organisation app, for apps that keep something derived from the organisation."""

from django.dispatch import Signal

# Sent inside the transaction of a bulk write to people or units (the HR import), which model
# signals do not see. No arguments.
organisation_bulk_changed = Signal()
