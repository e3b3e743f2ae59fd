# The English interface keeps the city's dd-mm-yyyy dates; numbers keep English separators.
from config.formats.city import *  # noqa: F403
