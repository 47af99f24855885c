"""A moderator's own choice of email about held comments (linked from the moderation queue)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from .models import NoticePreference


class NoticePreferenceForm(forms.ModelForm):
    class Meta:
        model = NoticePreference
        fields = ["held_comments"]
        labels = {"held_comments": "Email me about held comments"}
        widgets = {"held_comments": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = settings.COMMENTS_DIGEST_HOURS
        often = "one a day" if hours == 24 else f"one every {hours} hours"
        self.fields["held_comments"].choices = [
            (value, f"A digest of held comments, at most {often}")
            if value == NoticePreference.HeldComments.DIGEST
            else (value, label)
            for value, label in NoticePreference.HeldComments.choices
        ]


def notice_preference_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    preference, _ = NoticePreference.objects.get_or_create(user=request.user)
    form = NoticePreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        choice = form.save(commit=False)
        if choice.held_comments == NoticePreference.HeldComments.DIGEST:
            choice.digest_sent_at = choice.digest_sent_at or timezone.now()  # first one in a period
        choice.save()
        messages.success(request, "Your email settings are saved.")
        return redirect("admin:comments_notice_preference")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Email about held comments",
        "form": form,
        "has_email": bool(request.user.email),
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/comments/notice_preference.html", context)
