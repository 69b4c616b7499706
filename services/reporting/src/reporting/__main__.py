"""``python -m reporting [serve|migrate|rebuild|outbox …|dead-letters …]``"""

from reporting.bootstrap import definition
from servicekit.cli import main

raise SystemExit(main(definition))
