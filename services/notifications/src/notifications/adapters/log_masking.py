"""A logging filter that masks phone numbers and e-mail addresses in every log line, whatever
logger wrote it (a library may echo a recipient back in an error)."""

from __future__ import annotations

import logging

from notifications.domain.masking import mask_text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, mask_text(value))
        return True


_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


def install_personal_data_filter() -> None:
    """On every handler of the root logger (records from any logger pass through them)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
