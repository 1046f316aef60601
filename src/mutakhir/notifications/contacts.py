"""A registrant's contact for messages, given at registration (optional): a phone number, an e-mail, or both."""

from django.utils.translation import gettext as _

from .models import Contact
from .outbox import normalize_phone


def check_phone(phone: str) -> str:
    """Return the phone as typed when it is an Indonesian number (08..., +62...), else raise ValueError."""
    phone = (phone or "").strip()
    if phone and not normalize_phone(phone):
        raise ValueError(_("Enter an Indonesian phone number, e.g. 0812 3456 7890."))
    return phone


def save_contact(registration, phone: str = "", email: str = "") -> Contact | None:
    """Keep where the registrant hears about this registration; nothing when neither is given."""
    if not (phone or email):
        return None
    contact, _created = Contact.objects.update_or_create(registration=registration,
                                                         defaults={"phone": phone, "email": email})
    return contact
