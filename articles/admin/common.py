from django import forms
from django.db import models

from core.validators import reject_line_breaks


class SingleLineFieldsMixin:
    """Every one-line text box (headline, name, caption, SEO title) refuses line breaks.

    A browser's text input cannot send one, a crafted POST can; headlines and names end up in
    email subjects and bodies, feeds and <title>. Textareas (standfirst, body, bio) are left be.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (
            isinstance(db_field, models.CharField)
            and isinstance(formfield, forms.CharField)
            and not isinstance(formfield.widget, forms.Textarea)
        ):
            formfield.validators.append(reject_line_breaks)
        return formfield
