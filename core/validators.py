"""Validators shared by every app's forms."""

from django.core.exceptions import ValidationError

# Everything str.splitlines() breaks on: CR, LF, and the rarer ones a mail client or a log
# viewer may also start a new line at (VT, FF, the file/group/record separators, NEL, U+2028/9).
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def reject_line_breaks(value: str) -> None:
    """A single-line field (a name, a headline) refuses line breaks with a form error.

    These values end up in emails and headers, where a line break lets someone forge a line
    (an "unsubscribe here: http://evil…" above the real one) or breaks the message.
    """
    if any(char in LINE_BREAKS for char in str(value)):
        raise ValidationError("This must be a single line; please remove the line breaks.")
