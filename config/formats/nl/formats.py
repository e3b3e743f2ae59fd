# Dates as dd-mm-jjjj, as the city writes them.
from config.formats.city import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
