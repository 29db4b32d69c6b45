from django.contrib import messages
from django.core.exceptions import ValidationError


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, or on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def message_errors_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
