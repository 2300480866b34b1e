"""Staff issue, inspect and revoke API keys here; the raw key is shown once, on creation."""

from datetime import UTC

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from apikeys.models import ApiKey, KeyState
from apikeys.selectors import api_key_filter_state, api_key_list_with_usage, usage_history
from apikeys.services import api_key_create, api_key_revoke

KEY_SHOWN_ONCE_WARNING = (
    "Copy this key now and keep it somewhere safe: it cannot be shown again. "
    "Only its digest is stored; if it is lost, revoke it and add a new one."
)
REVOKED_MESSAGE = "Revoked {count} API key(s)."
ALREADY_REVOKED_MESSAGE = "{count} selected key(s) were already revoked."
NO_HISTORY_MESSAGE = "No requests counted yet."


class ShownOnceKey(str):
    """The raw key for the page that shows it; its repr is masked, since Django's template
    engine logs the whole context (reprs included) at DEBUG when a variable is missing."""

    def __repr__(self) -> str:
        return "'<API key, not shown in logs>'"


class ApiKeyAddForm(forms.ModelForm):
    rate_limit = forms.IntegerField(min_value=1, help_text="Requests per hour.")

    class Meta:
        model = ApiKey
        fields = ["name", "rate_limit", "expires_at"]
        help_texts = {"expires_at": "Optional. Leave empty for a key that does not expire."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate_limit"].initial = settings.API_RATE_LIMIT_PER_HOUR


class ApiKeyChangeForm(forms.ModelForm):
    rate_limit = forms.IntegerField(min_value=1, help_text="Requests per hour.")

    class Meta:
        model = ApiKey
        fields = ["name", "rate_limit", "expires_at"]


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return KeyState.choices

    def queryset(self, request, queryset):
        if self.value() not in KeyState.values:
            return queryset
        return api_key_filter_state(queryset=queryset, state=self.value(), now=timezone.now())


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "state",
        "requests_this_hour",
        "rate_limit",
    ]
    list_filter = [StateFilter]
    search_fields = ["name", "prefix"]
    actions = ["revoke_selected"]
    readonly_fields = [
        "prefix",
        "state",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "requests_this_hour",
        "usage_history",
    ]

    # -- list ----------------------------------------------------------------

    def get_queryset(self, request):
        return api_key_list_with_usage(now=timezone.now(), queryset=super().get_queryset(request))

    @admin.display(description="state")
    def state(self, obj: ApiKey) -> str:
        return obj.state(timezone.now()).label

    @admin.display(description="requests this hour", ordering="requests_this_hour")
    def requests_this_hour(self, obj: ApiKey) -> int:
        return obj.requests_this_hour

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = sum(api_key_revoke(api_key=api_key) for api_key in queryset)
        already = queryset.count() - revoked
        self.message_user(request, REVOKED_MESSAGE.format(count=revoked), messages.SUCCESS)
        if already:
            self.message_user(request, ALREADY_REVOKED_MESSAGE.format(count=already), messages.WARNING)

    # -- add and change --------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ApiKeyChangeForm if obj is not None else ApiKeyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["name", "rate_limit", "expires_at"]})]
        return [
            (None, {"fields": ["name", "prefix", "state", "rate_limit", "expires_at"]}),
            ("Use", {"fields": ["created_at", "created_by", "last_used_at", "revoked_at"]}),
            ("Requests per hour (UTC)", {"fields": ["requests_this_hour", "usage_history"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created, raw_key = api_key_create(
            name=form.cleaned_data["name"],
            rate_limit=form.cleaned_data["rate_limit"],
            expires_at=form.cleaned_data["expires_at"],
            created_by=request.user,
        )
        # The admin goes on with `obj` (history entry, response): make it the created key.
        obj.__dict__.update({f.attname: getattr(created, f.attname) for f in ApiKey._meta.concrete_fields})
        obj._state.adding = False
        obj._state.db = created._state.db
        # Kept on this request only, never in the session, a message or the URL.
        request.created_raw_api_key = raw_key

    def response_add(self, request, obj, post_url_continue=None):
        raw_key = getattr(request, "created_raw_api_key", None)
        if raw_key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "API key created",
            "opts": self.opts,
            "api_key": obj,
            "raw_key": ShownOnceKey(raw_key),
            "warning": KEY_SHOWN_ONCE_WARNING,
            "expires": f"{obj.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if obj.expires_at else "never",
        }
        response = TemplateResponse(request, "admin/apikeys/apikey/created.html", context)
        # The page holds a secret: no browser or proxy may keep a copy.
        response["Cache-Control"] = "no-store"
        return response

    # -- change page -----------------------------------------------------------

    @admin.display(description="history (last 24 windows)")
    def usage_history(self, obj: ApiKey):
        windows = usage_history(api_key=obj)
        if not windows:
            return NO_HISTORY_MESSAGE
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            ((f"{w.window_start.astimezone(UTC):%Y-%m-%d %H:00} UTC", w.requests) for w in windows),
        )
        return format_html(
            "<table><thead><tr><th>window</th><th>requests</th></tr></thead><tbody>{}</tbody></table>", rows
        )
