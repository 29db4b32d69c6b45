"""Form fields every app uses."""

from django import forms

# The largest primary key any of our databases stores (a signed 64-bit integer).
MAX_PK = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id no database can hold is "not one of the choices", not a 500."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except ValueError:
                continue  # Django's own check says "not a valid value"
            if not -MAX_PK <= number <= MAX_PK:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class ModelChoiceField(forms.ModelChoiceField):
    """Django's field, but an id no database can hold is "not one of the choices", not a 500."""

    def to_python(self, value):
        if value not in self.empty_values:
            try:
                number = int(str(value))
            except ValueError:
                number = 0
            if not -MAX_PK <= number <= MAX_PK:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
