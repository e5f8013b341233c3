"""Forms of the channel pages: they parse POSTs; the views call one service with the
result."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lifeline.content.enums import ChannelRole, FlagReason, Visibility


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
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
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=40000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Simple HTML is kept: paragraphs, bold, italics, lists, quotes and links."),
    )


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
