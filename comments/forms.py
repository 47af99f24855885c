import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator
from django.forms.forms import NON_FIELD_ERRORS

from core.validators import reject_line_breaks

from .models import Comment

TOKEN_SALT = "comments.form-token"
TAMPERED = "tampered"  # the error code of a token that is missing, altered or another essay's


def make_token(article) -> str:
    return make_token_for(article.pk)


def make_token_for(article_id: int) -> str:
    """The form's signed token: which essay, and when the form was handed out."""
    return signing.dumps({"a": article_id, "t": int(time.time())}, salt=TOKEN_SALT)


def article_of_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=TOKEN_SALT)["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def reject_control_characters(value: str) -> None:
    """Refuse NUL and other control characters, and text that was not valid UTF-8.

    Line breaks and tabs pass (the comment is a textarea); one-line fields also use
    reject_line_breaks.
    """
    if "\ufffd" in value:
        raise forms.ValidationError("This contains characters that could not be read.")
    for char in value:
        if char not in "\n\r\t" and unicodedata.category(char) in {"Cc", "Cs"}:
            raise forms.ValidationError("This contains control characters; please remove them.")


class WebsiteField(forms.URLField):
    """A web address: http or https only, checked by one validator (so one error, not two)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class CommentForm(forms.Form):
    # Names (and addresses) are printed in emails to other readers and to moderators.
    name = forms.CharField(
        max_length=100, validators=[reject_line_breaks, reject_control_characters]
    )
    email = forms.EmailField(
        max_length=254,
        help_text="Never shown publicly.",
        validators=[reject_line_breaks, reject_control_characters],
    )
    website = WebsiteField(
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[reject_line_breaks, reject_control_characters],
    )
    text = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[reject_control_characters],
    )
    notify_replies = forms.BooleanField(label="Email me when someone replies", required=False)
    parent = forms.ModelChoiceField(
        queryset=Comment.objects.none(), required=False, widget=forms.HiddenInput
    )
    # Honeypot: hidden from people (and screen readers), tempting to bots.
    leave_blank = forms.CharField(label="Leave this field empty", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, article, user=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if user is not None and user.is_authenticated:
            initial.setdefault("name", user.get_full_name() or user.get_username())
            initial.setdefault("email", user.email)
        initial.setdefault("token", make_token(article))
        super().__init__(*args, **kwargs)
        self.article = article
        limit = settings.COMMENTS_MAX_LENGTH
        # The length is checked in clean_text, after line endings become one character each.
        # No maxlength attribute: the browser would cut a long paste silently; the server says
        # how long it is instead, and comment-form.js counts as the reader types.
        self.max_length = limit
        self.fields["text"].help_text = f"Plain text, up to {limit:,} characters."
        self.fields["parent"].queryset = article.comments.approved()
        self.fields["parent"].error_messages["invalid_choice"] = (
            "The comment you are replying to is not available for replies."
        )
        for field in self.fields.values():
            # Ours first: with one message per field (full_clean), "must be a single line"
            # says more than the "Enter a valid email address." the same input also earns.
            ours = [
                v for v in field.validators if v in (reject_line_breaks, reject_control_characters)
            ]
            field.validators = ours + [v for v in field.validators if v not in ours]
        self.seconds_on_form = 0.0
        # Rendered by templates/comments/_form.html, not crispy-forms (5 ms of every essay page
        # against 0.3 ms, bench/cold_essay.py): a field added here must be added there.

    def clean_token(self):
        """Check the signed token. Missing, altered or another essay's: a form error coded
        TAMPERED (the view answers 400 with the text kept); too old: a fresh token and a
        request to post again."""
        value = self.cleaned_data["token"]
        try:
            payload = signing.loads(value, salt=TOKEN_SALT)
            issued, article_id = int(payload["t"]), payload["a"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            issued, article_id = None, None
        if issued is None or article_id != self.article.pk:
            self.add_error(
                None, forms.ValidationError("This form could not be verified.", code=TAMPERED)
            )
            return value
        self.seconds_on_form = time.time() - issued
        if self.seconds_on_form > settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600:
            self.data = self.data.copy()
            self.data["token"] = make_token(self.article)
            self.add_error(
                None,
                "This form was open for too long. Please check your comment and post it again.",
            )
        return value

    @property
    def is_tampered(self) -> bool:
        """Its token failed the check (after is_valid()): nothing in it can be trusted."""
        return self.has_error(NON_FIELD_ERRORS, TAMPERED)

    def full_clean(self):
        super().full_clean()
        # One message per field: several validators can trip over the same input (a line break
        # in an email address fails two), and the first is the one to fix first.
        for name, errors in (self._errors or {}).items():
            if name != NON_FIELD_ERRORS:
                del errors[1:]

    def clean(self):
        # Hidden fields have no place to show an error; show it above the form instead.
        if "parent" in self.errors:
            self.add_error(None, self.errors.pop("parent"))
        return super().clean()

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise forms.ValidationError("Please write a comment.")
        if len(text) > self.max_length:
            over = len(text) - self.max_length
            raise forms.ValidationError(
                "Your comment is %(length)s characters long; it can be at most %(limit)s "
                "characters. Please shorten it by %(over)s character%(plural)s.",
                code="max_length",
                params={  # "5,000", as the help text and the page's live count write it
                    "length": f"{len(text):,}",
                    "limit": f"{self.max_length:,}",
                    "over": f"{over:,}",
                    "plural": "" if over == 1 else "s",
                },
            )
        return text

    def clean_email(self):
        # Stored lower-case so "known commenter" and duplicate checks match exactly (indexed).
        return self.cleaned_data["email"].lower()
