"""``python -m visa [serve|migrate|outbox …|dead-letters …]``"""

from servicekit.cli import main
from visa.bootstrap import definition

raise SystemExit(main(definition))
