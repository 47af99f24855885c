"""The one image field every model uses, so no upload can skip the pipeline in images.py.

Django's own ImageField only checks that Pillow can read the file, then stores the bytes as
they came: GPS and camera EXIF, JPEG comments, HTML appended to a GIF, 13,000×13,000 pixels.
`VerifiedImageField` gives every ModelForm (the admin's included) a form field that runs
`images.prepare_upload`, so what is stored is the verified, re-encoded, metadata-free copy, or
the editor sees why the file was refused. tests/articles/test_image_safety.py fails if a model
gains a plain ImageField or FileField.
"""

from django import forms
from django.db import models

from .images import ImageRejected, prepare_upload


class VerifiedImageFormField(forms.FileField):
    """A file upload that is replaced, while the form is cleaned, by its prepared copy.

    A plain FileField underneath: our own checks give clearer errors than forms.ImageField.
    """

    def __init__(self, *, max_side: int | None = None, **kwargs):
        self.max_side = max_side
        kwargs.setdefault("help_text", "JPEG, PNG, WebP or GIF.")
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)  # only called for a new upload, never on an edit
        if upload is None:
            return None
        try:
            return prepare_upload(upload, max_side=self.max_side).content
        except ImageRejected as exc:
            raise forms.ValidationError(str(exc), code="invalid_image") from exc


class VerifiedImageField(models.ImageField):
    """An ImageField whose forms store only what `images.prepare_upload` makes of the upload.

    `max_side` scales larger pictures down when they are uploaded (author photos).
    """

    def __init__(self, *args, max_side: int | None = None, **kwargs):
        self.max_side = max_side
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_side is not None:
            kwargs["max_side"] = self.max_side
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": VerifiedImageFormField, "max_side": self.max_side, **kwargs}
        )
