"""Forms of the channel pages: they parse POSTs; the views call one service with the
result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.content.enums import ChannelRole, FlagReason, NotificationLevel, Visibility


class ChannelForm(forms.Form):
    # "Name" alone is a person's full name in another catalogue (read "ФИО" here).
    name = forms.CharField(label=pgettext_lazy("channel", "Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visibility = forms.ChoiceField(
        label=_("Who can read"),
        choices=[
            (Visibility.PUBLIC, _("Everyone (anyone may join)")),
            (Visibility.PRIVATE, _("Members only (join by request or invitation)")),
        ],
        initial=Visibility.PUBLIC,
    )


class PostForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=40000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Simple HTML is kept: paragraphs, bold, italics, lists, quotes and links."),
    )


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the
    files service (type from the content, size, re-encoding)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PostCreateForm(PostForm):
    images = MultipleImageField(
        label=_("Images"),
        required=False,
        help_text=_("Up to 4 pictures: JPEG, PNG or WebP."),
    )


class AvatarForm(forms.Form):
    file = forms.FileField(
        label=_("Picture"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class NotificationLevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Notifications"), choices=NotificationLevel.choices)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=FlagReason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[c for c in ChannelRole.choices if c[0] != ChannelRole.OWNER],
    )


class MuteForm(forms.Form):
    hours = forms.IntegerField(label=_("Mute for hours"), min_value=1, max_value=24 * 365)
