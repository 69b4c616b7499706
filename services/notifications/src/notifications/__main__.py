"""``python -m notifications [serve|migrate|outbox …|dead-letters …]``"""

from notifications.bootstrap import definition
from servicekit.cli import main

raise SystemExit(main(definition))
