"""``python -m registry [serve|migrate|outbox …|dead-letters …]``"""

from registry.bootstrap import definition
from servicekit.cli import main

raise SystemExit(main(definition))
