"""``python -m reporting [serve|migrate|outbox …|dead-letters …]``"""

from reporting.bootstrap import definition
from servicekit.cli import main

raise SystemExit(main(definition))
