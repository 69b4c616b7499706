"""Test support of the reporting service: a generator of realistic event histories, the figures
they should give (computed independently, in plain Python), and the shared test harness."""
