"""``python -m planbook.bench``: see :mod:`planbook.bench`."""
from planbook.bench import main

main()
