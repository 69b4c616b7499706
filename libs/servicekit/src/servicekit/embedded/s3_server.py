"""Run localbucket with Nagle's algorithm disabled: `python -m servicekit.embedded.s3_server`.

With Nagle on, Tansu's many small S3 requests each wait for a delayed ACK (about 40 ms).
Arguments are localbucket's own: DATA_ROOT [--host HOST] [--port PORT].
"""

from __future__ import annotations

import localbucket


def main() -> None:
    localbucket.S3Handler.disable_nagle_algorithm = True
    localbucket.main()


if __name__ == "__main__":
    main()
