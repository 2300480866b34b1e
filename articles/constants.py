"""Categories and providers (sources) known to the API."""

from django.db import models


class Category(models.TextChoices):
    BUSINESS = "business"
    ENTERTAINMENT = "entertainment"
    GENERAL = "general"
    HEALTH = "health"
    SCIENCE = "science"
    SPORTS = "sports"
    TECHNOLOGY = "technology"


class Source(models.TextChoices):
    NEWSAPI = "newsapi", "NewsAPI"
    GUARDIAN = "guardian", "The Guardian"


CATEGORIES: tuple[str, ...] = tuple(Category.values)
SOURCES: tuple[str, ...] = tuple(Source.values)
