"""Local stand-ins for the outside world, for tests and local runs: an SMTP server, an SMS
provider and partners' webhook receivers, each listening on 127.0.0.1 and recording what
arrived. Not used by the service itself (``aiosmtpd`` is a development dependency)."""
