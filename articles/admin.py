"""Admin: the article store and the record of every provider fetch."""

from django.contrib import admin

from articles.models import Article, FetchAttempt


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "source_name", "category", "published_at", "fetched_at"]
    list_filter = ["source", "category", "published_at"]
    search_fields = ["title", "url", "source_name"]
    date_hierarchy = "published_at"
    readonly_fields = ["fetched_at", "updated_at"]
    list_per_page = 50
    show_full_result_count = False


@admin.register(FetchAttempt)
class FetchAttemptAdmin(admin.ModelAdmin):
    """Read-only: the records are written by the fetches themselves."""

    list_display = [
        "started_at",
        "provider",
        "category",
        "outcome",
        "error_kind",
        "http_status",
        "received",
        "created",
        "updated",
        "duration_ms",
    ]
    list_filter = ["provider", "category", "outcome", "error_kind", "started_at"]
    search_fields = ["error"]
    date_hierarchy = "started_at"
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
