"""The personal-data guard for free text (brottsdatalagen / GDPR art. 10: incident records are
about places and situations, never identifiable people).

``find_personal_data(text)`` finds Swedish personal identity and coordination numbers (valid
Luhn check digit, with or without century and separator; python-stdnum), phone numbers
(phonenumbers), e-mail addresses and car registrations; text over ``TRYGG_MAX_TEXT_LENGTH`` is
refused before it is scanned;
``redact(text)`` replaces them; ``validate_no_personal_data`` is a Django validator for forms.
"""

from .guard import Finding, find_personal_data, redact, validate_no_personal_data

__all__ = ["Finding", "find_personal_data", "redact", "validate_no_personal_data"]
